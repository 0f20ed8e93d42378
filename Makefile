# SPDX-License-Identifier: GPL-2.0
#
# keyroll top-level Makefile. Kernel modules are built by Kbuild (see the
# Kbuild files); this file drives them for every installed target kernel,
# each in its own output directory build/<kernel>, plus the user-space tools
# and selftests in build/tools and build/selftests.
#
#   make                 modules, tools and selftests for every target kernel
#   make KVER=<version>  the same for one kernel
#   make deps            install what a fresh Debian 12 machine needs
#   make check           deps (when missing), build, lint, all guest tests
#   make lint            checkpatch --strict and sparse, zero warnings
#   make demo            boot a guest and show the suite at work
#   make bench           benchmarks against in-tree/plain TCP, one boot per kernel
#   make dkms-check      dkms build against every target kernel's headers
#   make modules_install modules into /lib/modules/<kver>/updates/keyroll, depmod
#   make modules_uninstall  remove them again, depmod
#   make clean

TOP := $(CURDIR)
BUILD := $(TOP)/build
export KR_CACHE ?= /var/cache/keyroll
KVERS := $(if $(KVER),$(KVER),$(shell $(TOP)/scripts/kernels.sh))
SELFTEST_DIRS := $(wildcard tools/testing/selftests/net/*/Makefile)

.PHONY: all modules tools selftests deps lint check demo bench dkms-check clean \
	modules_install modules_uninstall FORCE

all: modules tools selftests

modules: $(addprefix modules-,$(KVERS))

modules-%: FORCE
	@$(TOP)/scripts/build-modules.sh $*

TOOL_DIRS := $(wildcard tools/*/Makefile)

tools:
	@for mk in $(TOOL_DIRS); do \
		dir=$$(dirname $$mk); \
		$(MAKE) -s -C $$dir OUTPUT=$(BUILD)/tools \
			UAPI_DIR=$(TOP)/include/uapi || exit 1; \
	done

selftests: $(KR_CACHE)/linux/.complete
	@for mk in $(SELFTEST_DIRS); do \
		dir=$$(dirname $$mk); \
		$(MAKE) -s -C $$dir OUTPUT=$(BUILD)/selftests/$${dir#tools/testing/selftests/} \
			KSFT_DIR=$(KR_CACHE)/linux/tools/testing/selftests \
			UAPI_DIR=$(TOP)/include/uapi || exit 1; \
	done

$(KR_CACHE)/linux/.complete:
	@$(TOP)/scripts/deps.sh

deps:
	@$(TOP)/scripts/deps.sh

lint: $(KR_CACHE)/linux/.complete
	@$(TOP)/scripts/lint.sh $(KVERS)

check:
	@$(TOP)/scripts/deps.sh --check || $(TOP)/scripts/deps.sh
	@$(TOP)/scripts/check.sh $(KVERS)

demo:
	@$(TOP)/scripts/deps.sh --check || $(TOP)/scripts/deps.sh
	@$(MAKE) -s all
	@$(TOP)/scripts/demo.sh $(KVERS)

bench:
	@$(TOP)/scripts/deps.sh --check || $(TOP)/scripts/deps.sh
	@$(MAKE) -s all
	@$(TOP)/scripts/bench.sh $(KVERS)

dkms-check:
	@$(TOP)/scripts/dkms-check.sh $(KVERS)

modules_install: modules
	@$(TOP)/scripts/install-modules.sh $(KVERS)

modules_uninstall:
	@$(TOP)/scripts/install-modules.sh -u $(KVERS)

clean:
	rm -rf $(BUILD)

FORCE:

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Verify every TCP segment of a captured connection with an independent
TCP-AO implementation: Debian's python3-scapy (scapy.contrib.tcpao, its
calc_tcpao_traffic_key and calc_tcpao_mac).

usage: verify_capture.py PCAP PORT -k SNDID:RCVID:ALG:KEY [-k ...] [-x]
                         [--min N] [--expect-keyids 1,2]
                         [--isn ADDR:PORT=ISN ...] [--expect-sne N]

Every segment to or from PORT must carry TCP-AO with a KeyID of a given key
and a MAC that scapy computes the same. The SNE of each direction is
tracked across sequence number wraps. Exit 0 only if at least --min
segments were seen and all verified. --isn gives the ISN of a sender whose
handshake is not in the capture (a connection made with TCP_REPAIR);
--expect-sne requires each direction to have reached that SNE."""

import argparse
import struct
import sys

from scapy.contrib import tcpao
from scapy.layers.inet import IP, TCP
from scapy.layers.inet6 import IPv6
from scapy.utils import PcapReader

ALGS = {
    "hmac(sha1)": "HMAC-SHA-1-96",
    "cmac(aes128)": "AES-128-CMAC-96",
    "cmac(aes)": "AES-128-CMAC-96",
}


def full_mac(alg, traffic_key, p, include_options, sne):
    """The untruncated MAC, for keys with a MAC longer than the 96 bits that
    scapy's calc_tcpao_mac returns; scapy still builds the message."""
    message = tcpao.build_message_from_packet(p, include_options=include_options,
                                              sne=sne)
    if isinstance(alg, tcpao.TCPAOAlg_HMAC_SHA1):
        return tcpao._hmac_sha1_digest(traffic_key, message)
    return tcpao._cmac_aes_digest(traffic_key, message)


def ao_option(th_bytes):
    """(keyid, rnextkeyid, mac) of the TCP-AO option, or None."""
    doff = (th_bytes[12] >> 4) * 4
    pos = 20
    while pos < doff:
        kind = th_bytes[pos]
        if kind == 0:
            break
        if kind == 1:
            pos += 1
            continue
        olen = th_bytes[pos + 1]
        if olen < 2:
            break
        if kind == 29:
            return th_bytes[pos + 2], th_bytes[pos + 3], th_bytes[pos + 4:pos + olen]
        pos += olen
    return None


class Direction:
    """SNE tracking (RFC 5925 section 6.2) for one direction."""

    def __init__(self, isn):
        self.seq = isn
        self.sne = 0

    def sne_of(self, seq):
        diff = (seq - self.seq) & 0xFFFFFFFF
        if diff and diff < 0x80000000:  # after
            sne = self.sne + 1 if seq < self.seq else self.sne
            self.seq, self.sne = seq, sne
            return sne
        if diff and seq > self.seq:  # before, and from before the wrap
            return self.sne - 1
        return self.sne


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pcap")
    ap.add_argument("port", type=int)
    ap.add_argument("-k", action="append", required=True)
    ap.add_argument("-x", action="store_true", help="options excluded")
    ap.add_argument("--min", type=int, default=1)
    ap.add_argument("--expect-keyids", default="")
    ap.add_argument("--isn", action="append", default=[])
    ap.add_argument("--expect-sne", type=int)
    args = ap.parse_args()

    keys = {}
    for spec in args.k:
        sndid, rcvid, alg, key = spec.split(":")[:4]
        keys[int(sndid)] = (tcpao.get_alg(ALGS[alg]), key.encode())

    isn = {}
    dirs = {}
    for spec in args.isn:
        end, value = spec.split("=")
        addr, port = end.rsplit(":", 1)
        isn[(addr, int(port))] = int(value, 0)
        dirs[(addr, int(port))] = Direction(int(value, 0))
    traffic = {}
    seen_ids = set()
    count = bad = 0
    for p in PcapReader(args.pcap):
        if TCP not in p or args.port not in (p[TCP].sport, p[TCP].dport):
            continue
        th = p[TCP]
        src, dst = (p[IP].src, p[IP].dst) if IP in p else (p[IPv6].src, p[IPv6].dst)
        sender = (src, th.sport)
        receiver = (dst, th.dport)
        opt = ao_option(bytes(th))
        count += 1
        if opt is None:
            print(f"unsigned segment {sender} seq={th.seq} flags={th.flags}")
            bad += 1
            continue
        keyid, _, mac = opt
        seen_ids.add(keyid)
        if keyid not in keys:
            print(f"unknown KeyID {keyid} from {sender}")
            bad += 1
            continue
        alg, master = keys[keyid]
        syn, ack = bool(th.flags & 0x02), bool(th.flags & 0x10)
        if syn and not ack:
            isn[sender] = th.seq
            sisn, disn, sne = th.seq, 0, 0
            dirs[sender] = Direction(th.seq)
        else:
            if syn:
                isn[sender] = th.seq
                dirs[sender] = Direction(th.seq)
            # The other end of this connection: a capture may hold several
            # (bird's two BGP connections before collision detection).
            if sender not in isn or receiver not in isn:
                print(f"segment before the handshake was seen: {sender}")
                bad += 1
                continue
            sisn, disn = isn[sender], isn[receiver]
            sne = 0 if syn else dirs[sender].sne_of(th.seq)
        tk_id = (keyid, sender, sisn, disn)
        if tk_id not in traffic:
            traffic[tk_id] = tcpao.calc_tcpao_traffic_key(p, alg, master, sisn, disn)
        if len(mac) == alg.maclen:
            want = tcpao.calc_tcpao_mac(p, alg, traffic[tk_id],
                                        include_options=not args.x, sne=sne)
        else:
            want = full_mac(alg, traffic[tk_id], p, not args.x, sne)
        if len(want) < len(mac) or want[:len(mac)] != mac:
            print(f"bad MAC from {sender} seq={th.seq} flags={th.flags} sne={sne}")
            bad += 1
    print(f"segments {count}, verified {count - bad}, failed {bad}, "
          f"keyids {sorted(seen_ids)}")
    if args.expect_sne is not None:
        snes = {f"{a}:{p}": d.sne for (a, p), d in dirs.items()}
        print(f"SNE reached: {snes}")
        if len(snes) < 2 or any(v != args.expect_sne for v in snes.values()):
            print(f"expected SNE {args.expect_sne} in both directions")
            return 1
    if args.expect_keyids:
        want_ids = {int(i) for i in args.expect_keyids.split(",")}
        if not want_ids <= seen_ids:
            print(f"expected KeyIDs {sorted(want_ids)} on the wire")
            return 1
    return 0 if bad == 0 and count >= args.min else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Forge segments into a live TCP-AO connection: learn its sequence
numbers from one captured segment of the peer (it prints "sniffing" once
it listens, so the connection can be started after it), then send:
a data segment with a wrong MAC, one without TCP-AO, one with an unknown
KeyID, a RST without TCP-AO and a RST with a wrong MAC.

With icmp first, send COUNT ICMP port unreachable errors to the peer of
a connection given by its two ends (as ss prints them), each quoting a
segment the peer sent on it; no capture needed, so the connection may be
idle.

usage: inject.py IFACE PEER_PORT KEYID COUNT
       inject.py icmp LOCAL_ADDR:PORT PEER_ADDR:PORT COUNT
       inject.py probe PEER_ADDR SPORT PEER_PORT...

With probe, send to each PEER_PORT in turn, from source ports counting up
from SPORT: an ACK with TCP-AO, a SYN with TCP-AO, and then, as controls
that the peer does answer, a SYN and an ACK without it."""

import sys

from scapy.all import ICMP, IP, TCP, conf, send, sniff

conf.verb = 0
if sys.argv[1] == "icmp":
    (laddr, lport), (paddr, pport) = (a.rsplit(":", 1) for a in sys.argv[2:4])
    count = int(sys.argv[4])
    quote = IP(src=paddr, dst=laddr) / TCP(sport=int(pport), dport=int(lport), flags="A")
    send(IP(src=laddr, dst=paddr) / ICMP(type=3, code=3) / bytes(quote)[:28], count=count)
    print(f"sent {count} x icmp port unreachable for {paddr}:{pport}")
    sys.exit(0)

if sys.argv[1] == "probe":
    paddr, sport = sys.argv[2], int(sys.argv[3])
    opt = [(29, bytes([1, 1]) + b"\x5a" * 12)]
    for pport in map(int, sys.argv[4:]):
        probes = [
            ("ack_with_ao", dict(flags="A", ack=1, options=opt)),
            ("syn_with_ao", dict(flags="S", options=opt)),
            ("syn_plain", dict(flags="S")),
            ("ack_plain", dict(flags="A", ack=1)),
        ]
        for name, fields in probes:
            send(IP(dst=paddr) / TCP(sport=sport, dport=pport, seq=1000 * sport, **fields))
            print(f"sent {name} from port {sport} to port {pport}")
            sport += 1
    sys.exit(0)

iface, port, keyid, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
print("sniffing", flush=True)
pkts = sniff(iface=iface, filter=f"tcp and src port {port}", count=1, timeout=120)
if not pkts:
    print("no segment of the connection seen")
    sys.exit(1)
p = pkts[0]
ip = IP(src=p[IP].dst, dst=p[IP].src)
seq, ack = p[TCP].ack, p[TCP].seq
base = dict(sport=p[TCP].dport, dport=port, seq=seq, ack=ack, window=1024)


def ao(kid, mac=b"\xa5" * 12):
    return [(29, bytes([kid, kid]) + mac)]


forged = {
    "bad_mac": TCP(flags="PA", options=ao(keyid), **base) / b"forged data",
    "no_option": TCP(flags="PA", **base) / b"forged data",
    "unknown_keyid": TCP(flags="PA", options=ao(77), **base) / b"forged data",
    "rst_unsigned": TCP(flags="R", **base),
    "rst_bad_mac": TCP(flags="R", options=ao(keyid), **base),
}
for name, seg in forged.items():
    send(ip / seg, count=count, iface=None)
    print(f"sent {count} x {name} seq={seq}")

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Forge segments into a live TCP-AO connection: learn its sequence
numbers from one captured segment of the peer, then send, in window:
a data segment with a wrong MAC, one without TCP-AO, one with an unknown
KeyID, a RST without TCP-AO and a RST with a wrong MAC.

With the word icmp as a fifth argument, send ICMP port unreachable
errors quoting the peer's segment instead.

usage: inject.py IFACE PEER_PORT KEYID COUNT [icmp]"""

import sys

from scapy.all import ICMP, IP, TCP, conf, send, sniff

iface, port, keyid, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
conf.verb = 0
pkts = sniff(iface=iface, filter=f"tcp and src port {port}", count=1, timeout=60)
if not pkts:
    print("no segment of the connection seen")
    sys.exit(1)
p = pkts[0]
ip = IP(src=p[IP].dst, dst=p[IP].src)
seq, ack = p[TCP].ack, p[TCP].seq
base = dict(sport=p[TCP].dport, dport=port, seq=seq, ack=ack, window=1024)


def ao(kid, mac=b"\xa5" * 12):
    return [(29, bytes([kid, kid]) + mac)]


if len(sys.argv) > 5 and sys.argv[5] == "icmp":
    quote = IP(src=p[IP].src, dst=p[IP].dst) / TCP(sport=port, dport=p[TCP].dport,
                                                   seq=p[TCP].seq, flags="A")
    send(ip / ICMP(type=3, code=3) / bytes(quote)[:28], count=count)
    print(f"sent {count} x icmp port unreachable")
    sys.exit(0)

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

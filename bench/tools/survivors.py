#!/usr/bin/env python3
"""What survived a young pause: a class histogram of the objects in one address range of an HPROF heap dump.

HotSpot writes each object's address as its id, so the objects of the survivor space right after a young pause are
the ones whose ids lie between its start and its top, which the GC log prints with -Xlog:gc+heap=debug:

    GC(10)   from space 326656K, 6% used [0x00000007ec100000,0x00000007ed538920,0x0000000800000000)

Take the dump right after that pause without a full GC (`jmap -dump:format=b,file=h.hprof <pid>`, no `live`), then

    python3 bench/tools/survivors.py h.hprof 7ec100000 7ed538920

Sizes are the dump's: field bytes plus a 12-byte header, references counted as 8 bytes, so the total reads a little
above the GC log's. Arrays are also listed by length, rounded up to a power of two. docs/benchmarks-rounds.md, the
round of 11:33 UTC on 11-24, has what it showed.
"""
import sys, struct, mmap, collections
path, lo, hi = sys.argv[1], int(sys.argv[2], 16), int(sys.argv[3], 16)
f = open(path, 'rb'); m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
end = m.find(b'\0'); pos = end + 1
idsz = struct.unpack_from('>I', m, pos)[0]; pos += 4 + 8
assert idsz == 8
names = {}; classname = {}
TS = {2: 8, 4: 1, 5: 2, 6: 4, 7: 8, 8: 1, 9: 2, 10: 4, 11: 8}
PRIM = {4: 'boolean[]', 5: 'char[]', 6: 'float[]', 7: 'double[]', 8: 'byte[]', 9: 'short[]', 10: 'int[]', 11: 'long[]'}
count = collections.Counter(); size = collections.Counter(); arrlen = collections.Counter(); arrbytes = collections.Counter()
u4 = struct.Struct('>I'); u8 = struct.Struct('>Q')
n = len(m)
while pos < n:
    tag = m[pos]; length = u4.unpack_from(m, pos + 5)[0]; body = pos + 9; pos = body + length
    if tag == 0x01:
        names[u8.unpack_from(m, body)[0]] = m[body + 8:body + length].decode('utf-8', 'replace')
    elif tag == 0x02:
        cid = u8.unpack_from(m, body + 4)[0]; nid = u8.unpack_from(m, body + 16)[0]
        classname[cid] = names.get(nid, '?')
    elif tag in (0x0C, 0x1C):
        p = body; e = body + length
        while p < e:
            st = m[p]; p += 1
            if st == 0xFF: p += 8
            elif st == 0x01: p += 16
            elif st in (0x02, 0x03): p += 16
            elif st in (0x04, 0x06): p += 12
            elif st in (0x05, 0x07): p += 8
            elif st == 0x08: p += 16
            elif st == 0x20:
                q = p + 64  # class id, stack serial, six ids, instance size
                cp = struct.unpack_from('>H', m, q)[0]; q += 2
                for _ in range(cp):
                    t = m[q + 2]; q += 3 + TS[t]
                ns = struct.unpack_from('>H', m, q)[0]; q += 2
                for _ in range(ns):
                    t = m[q + 8]; q += 9 + TS[t]
                nf = struct.unpack_from('>H', m, q)[0]; q += 2
                q += 9 * nf
                p = q
            elif st == 0x21:
                oid = u8.unpack_from(m, p)[0]; cid = u8.unpack_from(m, p + 12)[0]; nb = u4.unpack_from(m, p + 20)[0]
                if lo <= oid < hi:
                    count[cid] += 1; size[cid] += nb + 12
                p += 24 + nb
            elif st == 0x22:
                oid = u8.unpack_from(m, p)[0]; ne = u4.unpack_from(m, p + 12)[0]; acid = u8.unpack_from(m, p + 16)[0]
                if lo <= oid < hi:
                    k = ('objarr', acid); count[k] += 1; size[k] += 16 + 4 * ne
                p += 24 + 8 * ne
            elif st == 0x23:
                oid = u8.unpack_from(m, p)[0]; ne = u4.unpack_from(m, p + 12)[0]; t = m[p + 16]
                if lo <= oid < hi:
                    k = PRIM[t]; count[k] += 1; size[k] += 16 + TS[t] * ne
                    b = 1
                    while b < ne: b *= 2
                    arrlen[(k, b)] += 1; arrbytes[(k, b)] += 16 + TS[t] * ne
                p += 17 + TS[t] * ne
            else:
                raise SystemExit('unknown subtag %x at %d' % (st, p))
def nm(k):
    if isinstance(k, tuple): return classname.get(k[1], '?')
    if isinstance(k, str): return k
    return classname.get(k, '?')
tot = sum(size.values())
print('objects %d, ~%.1f MiB' % (sum(count.values()), tot / 2**20))
for k, s in size.most_common(60):
    print('%10d %8.2f MiB  %s' % (count[k], s / 2**20, nm(k)))

print('arrays by length (rounded up to a power of 2):')
for k, v in arrbytes.most_common(25):
    print('%8d %8.2f MiB  %s len<=%d' % (arrlen[k], v / 2**20, k[0], k[1]))

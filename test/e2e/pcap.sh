#!/usr/bin/env bash
# pcap files written and read in plain bash (no python, no tcpdump needed):
# little-endian, microsecond timestamps, LINKTYPE_ETHERNET.

# Four bytes of $1 as little-endian printf escapes, into the variable $2.
pcap_le32() {
	printf -v "$2" '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 & 255)) $((($1 >> 8) & 255)) \
		$((($1 >> 16) & 255)) $((($1 >> 24) & 255))
}

# The 24-byte global header, on stdout; snaplen $1 (default 65535).
pcap_header() {
	local snap
	pcap_le32 "${1:-65535}" snap
	printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00'
	# shellcheck disable=SC2059
	printf "$snap"
	printf '\x01\x00\x00\x00'
}

# One record on stdout: pcap_frame DST SRC LEN [SEQ]. An Ethernet frame of
# LEN bytes (>= 14) with ethertype 0x88b5 (local experimental), the payload
# SEQ as 4 bytes then spaces; the timestamp is SEQ microseconds.
pcap_frame() {
	local dst=$1 src=$2 len=$3 seq=${4:-0} l s u
	pcap_le32 "$len" l
	pcap_le32 $((seq / 1000000)) s
	pcap_le32 $((seq % 1000000)) u
	# shellcheck disable=SC2059
	printf "$s$u$l$l\\x${dst//:/\\x}\\x${src//:/\\x}\\x88\\xb5"
	if [ "$len" -ge 18 ]; then
		pcap_le32 "$seq" s
		# shellcheck disable=SC2059
		printf "$s"
		printf '%*s' $((len - 18)) ''
	else
		printf '%*s' $((len - 14)) ''
	fi
}

# Every record of pcap file $1 on stdout, one line each: its SEQ (the 4
# payload bytes pcap_frame writes after the Ethernet header, little-endian),
# then a last line "end COUNT COMPLETE": COMPLETE is 1 when the file is a
# whole pcap (a global header with a known magic, micro- or nanosecond, and
# the last record ending exactly at the end of the file), 0 otherwise.
pcap_records() {
	if [ ! -r "$1" ]; then
		echo "end 0 0"
		return
	fi
	od -An -v -tu1 -w1 "$1" | awk '
		BEGIN { m[1] = 1; m[2] = 256; m[3] = 65536; m[4] = 16777216 }
		NR <= 4 { magic = magic sprintf("%02x", $1); next }
		NR <= 24 { next }
		skip > 0 {
			d++
			if (d >= 15 && d <= 18) seq += $1 * m[d - 14]
			if (--skip == 0) print seq
			next
		}
		{
			h++
			if (h >= 9 && h <= 12) len += $1 * m[h - 8]
			if (h == 16) {
				n++; skip = len; d = 0; seq = 0; len = 0; h = 0
				if (skip == 0) print 0
			}
		}
		END {
			ok = (magic == "d4c3b2a1" || magic == "4d3cb2a1") && NR >= 24 && h == 0 && skip == 0
			print "end", n + 0, ok ? 1 : 0
		}'
}

# "COUNT COMPLETE" of pcap file $1 (see pcap_records).
pcap_count() {
	pcap_records "$1" | tail -n 1 | cut -d' ' -f2-
}

#!/usr/bin/env bash
# Disk full, then freed (not a test; needs root to mount a tmpfs): 10 cycles of a build that runs out of
# space (a static file larger than the disk) followed by a build after removing it and adding a page.
# usage: bench/disk_full.sh BIN SITE   (SITE is modified: static/video.bin and content/news-N.md, removed after)
BIN=$1; SITE=$2
set -u
$BIN --root $SITE build --output /tmp/policysite-disk-full-probe >/dev/null 2>&1
size=$(du -sk /tmp/policysite-disk-full-probe | cut -f1); rm -rf /tmp/policysite-disk-full-probe /tmp/.policysite-disk-full-probe.*
disk=$(mktemp -d); mount -t tmpfs -o size=$((size*4))k tmpfs $disk || exit 1
out=$disk/public
$BIN --root $SITE build --output $out >/dev/null 2>&1 || echo "first build failed"
fails=0; ok=0; intact=0
for i in $(seq 10); do
  mkdir -p $SITE/static; head -c $((size*4*1024+65536)) /dev/zero > $SITE/static/video.bin
  if $BIN --root $SITE build --output $out >/dev/null 2>/tmp/rs-err.txt; then echo "cycle $i: full build succeeded?"; else grep -q "No space" /tmp/rs-err.txt && fails=$((fails+1)); fi
  [ -f $out/index.html ] && intact=$((intact+1))
  rm -f $SITE/static/video.bin
  printf -- "---\ntitle: News $i\n---\n\nNews $i.\n" > $SITE/content/news-$i.md
  if $BIN --root $SITE build --output $out >/dev/null 2>/tmp/rs-err.txt; then ok=$((ok+1)); else echo "cycle $i: after freeing: $(head -c 200 /tmp/rs-err.txt)"; fi
done
echo "disk $((size*4)) KiB (4x the site): ENOSPC builds $fails/10, previous site intact after each $intact/10, builds after freeing the space $ok/10; staging left: $(ls -a $disk | grep -c building)"
umount $disk; rmdir $disk
rm -f $SITE/content/news-*.md

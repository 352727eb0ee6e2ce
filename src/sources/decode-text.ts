/**
 * Bytes -> text for scanning: UTF-8 (invalid sequences become U+FFFD, so the rest of the file is still
 * scanned), UTF-16 with a BOM, and binary detection by NUL bytes in the first 8 KB.
 */
export type Decoded = { text: string; encoding: 'utf8' | 'utf16le' | 'utf16be' } | { binary: true };

const SNIFF = 8000;

export function decodeText(buf: Buffer): Decoded {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return { text: buf.subarray(2).toString('utf16le'), encoding: 'utf16le' };
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) {
    const body = buf.subarray(2, 2 + ((buf.length - 2) & ~1));
    const swapped = Buffer.from(body).swap16();
    return { text: swapped.toString('utf16le'), encoding: 'utf16be' };
  }
  const head = buf.subarray(0, SNIFF);
  if (head.includes(0)) return { binary: true };
  const start = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  return { text: buf.toString('utf8', start), encoding: 'utf8' };
}

/** A Git LFS pointer file: the content lives elsewhere, nothing to scan here. */
export function isLfsPointer(text: string): boolean {
  return text.length < 1024 && text.startsWith('version https://git-lfs.github.com/spec/');
}

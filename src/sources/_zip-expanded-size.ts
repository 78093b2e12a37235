/**
 * What a ZIP archive (a DOCX) says its entries expand to, read from its central directory without
 * inflating anything: the total over the entries `counted` accepts, or `undefined` when the bytes
 * hold no readable central directory (the caller's unzip library then reports the damage).
 * ZIP64 sizes (the 0xFFFFFFFF marker) count as 4 GiB: only an archive far beyond any limit uses them.
 *
 * Layout (APPNOTE.TXT 4.3.12, 4.3.16): the end-of-central-directory record (signature 0x06054b50,
 * in the last 65,557 bytes) gives the directory's size (offset 12) and start (offset 16); each
 * directory entry (0x02014b50) holds the uncompressed size at 24 and the name, extra and comment
 * lengths at 28, 30 and 32, the name starting at 46.
 */
export function zipExpandedSize(bytes: Uint8Array, counted: (name: string) => boolean): number | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const earliest = Math.max(0, bytes.length - 65_557);
  let end = -1;
  for (let offset = bytes.length - 22; offset >= earliest; offset -= 1) {
    if (view.getUint32(offset, true) === 0x06054b50) {
      end = offset;
      break;
    }
  }
  if (end < 0) return undefined;
  const directoryEnd = view.getUint32(end + 16, true) + view.getUint32(end + 12, true);
  if (directoryEnd > end) return undefined;
  const names = new TextDecoder();
  let total = 0;
  for (let offset = view.getUint32(end + 16, true); offset + 46 <= directoryEnd; ) {
    if (view.getUint32(offset, true) !== 0x02014b50) return undefined;
    const size = view.getUint32(offset + 24, true);
    const nameLength = view.getUint16(offset + 28, true);
    const name = names.decode(bytes.subarray(offset + 46, offset + 46 + nameLength));
    if (counted(name)) total += size === 0xffffffff ? 2 ** 32 : size;
    offset += 46 + nameLength + view.getUint16(offset + 30, true) + view.getUint16(offset + 32, true);
  }
  return total;
}

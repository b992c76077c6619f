/**
 * Docker's multiplexed log format (containers without a TTY): a sequence of frames, each an 8-byte
 * header (stream type: 1 stdout, 2 stderr; three zero bytes; 32-bit big-endian payload length)
 * followed by the payload.
 */
export interface DemultiplexedLogs {
  stdout: string;
  stderr: string;
}

export function demultiplexDockerLogs(buffer: Buffer): DemultiplexedLogs {
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const streamType = buffer[offset];
    const length = buffer.readUInt32BE(offset + 4);
    const payload = buffer.subarray(offset + 8, offset + 8 + length);
    if (payload.length < length) throw new Error(`truncated docker log frame at byte ${offset}`);
    if (streamType === 2) stderr.push(payload);
    else stdout.push(payload); // 1 = stdout (0 = stdin is never logged)
    offset += 8 + length;
  }
  if (offset !== buffer.length) throw new Error(`${buffer.length - offset} trailing bytes after the last docker log frame`);
  // Decoded after concatenation: a frame may end inside a multi-byte UTF-8 character.
  return { stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') };
}

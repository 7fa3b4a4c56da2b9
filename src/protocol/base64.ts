/** Standard base64 for bytes, by way of the binary strings `btoa` and `atob` take. */

export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  // In slices: spreading a large array into one call would overflow the call stack.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The bytes of standard base64 text; throws (atob's error) when it is not base64. */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

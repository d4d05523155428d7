/** Thrown when a base64url text is not base64url: the item's content is corrupt as Gmail sent it. */
export class Base64urlError extends Error {
  constructor() {
    super('the message content is not valid base64url');
    this.name = 'Base64urlError';
  }
}

const ALPHABET = /^[A-Za-z0-9_-]*$/;
const PADDING = /^=*$/;

/**
 * Decodes base64url text that arrives in pieces of any length (a JSON string streamed chunk by
 * chunk), holding back at most three characters between pieces so that only whole 4-character
 * quanta are decoded. `=` padding (Gmail adds it) may end the text; nothing else may follow it.
 */
export class Base64urlDecoder {
  private carry = '';
  private padded = false;

  /** Decodes what can be decoded of `piece` together with what was held back. */
  push(piece: string): Buffer {
    let data = piece;
    const pad = this.padded ? 0 : piece.indexOf('=');
    if (pad >= 0) {
      if (!PADDING.test(piece.slice(pad))) throw new Base64urlError();
      data = piece.slice(0, pad);
      this.padded = true;
    }
    const text = this.carry + data;
    const whole = text.length - (text.length % 4);
    this.carry = text.slice(whole);
    const quanta = text.slice(0, whole);
    const bytes = Buffer.from(quanta, 'base64url');
    // Node's decoder skips characters outside the alphabet and takes `+` and `/` for `-` and `_`: whole
    // quanta are base64url exactly when none was skipped (every 4 characters made 3 bytes) and neither
    // `+` nor `/` is there. (A regular expression over the text cost four times the decoding itself,
    // and encoding the bytes back to compare cost as much as decoding them.)
    if (bytes.length !== (quanta.length / 4) * 3 || quanta.includes('+') || quanta.includes('/'))
      throw new Base64urlError();
    return bytes;
  }

  /** Decodes what was held back; throws when the text stopped where no byte can end. */
  end(): Buffer {
    const rest = this.carry;
    this.carry = '';
    if (rest.length % 4 === 1 || !ALPHABET.test(rest)) throw new Base64urlError();
    return Buffer.from(rest, 'base64url');
  }
}

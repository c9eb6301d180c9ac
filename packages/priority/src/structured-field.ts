/**
 * A validating reader for RFC 8941 / RFC 9651 structured-field dictionaries, just enough to find the value
 * of each member: it walks the whole grammar (so a malformed field is recognised and, per RFC 8941 §4.2,
 * ignored as a whole) and reports each member's key and, when the member is a single item, that item's
 * type and value. It never throws and allocates only the member keys.
 */

export const ItemKind = {
  Integer: 1,
  Decimal: 2,
  String: 3,
  Token: 4,
  Binary: 5,
  Boolean: 6,
  Date: 7,
  DisplayString: 8,
  InnerList: 9,
} as const;

const SP = 0x20;
const HTAB = 0x09;
const COMMA = 0x2c;
const SEMICOLON = 0x3b;
const EQUALS = 0x3d;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const QUESTION = 0x3f;
const AT = 0x40;
const PERCENT = 0x25;
const STAR = 0x2a;
const MINUS = 0x2d;
const DOT = 0x2e;
const OPEN = 0x28;
const CLOSE = 0x29;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
function isLcAlpha(c: number): boolean {
  return c >= 0x61 && c <= 0x7a;
}
function isAlpha(c: number): boolean {
  return isLcAlpha(c) || (c >= 0x41 && c <= 0x5a);
}
function isLcHex(c: number): boolean {
  return isDigit(c) || (c >= 0x61 && c <= 0x66);
}
/** RFC 9110 tchar, plus ":" and "/" which tokens also allow. */
function isTokenChar(c: number): boolean {
  if (isDigit(c) || isAlpha(c)) return true;
  switch (c) {
    case 0x21: case 0x23: case 0x24: case 0x25: case 0x26: case 0x27: case 0x2a: case 0x2b: // ! # $ % & ' * +
    case 0x2d: case 0x2e: case 0x5e: case 0x5f: case 0x60: case 0x7c: case 0x7e: // - . ^ _ ` | ~
    case COLON: case 0x2f: // : /
      return true;
    default:
      return false;
  }
}
function isKeyChar(c: number): boolean {
  return isLcAlpha(c) || isDigit(c) || c === 0x5f || c === MINUS || c === DOT || c === STAR;
}
function isBase64Char(c: number): boolean {
  return isAlpha(c) || isDigit(c) || c === 0x2b || c === 0x2f || c === EQUALS;
}

/** Reads one dictionary; call `start`, then `nextMember` until it returns false, then check `failed`. */
export class DictionaryReader {
  private s = '';
  private pos = 0;
  private first = true;
  /** True once the input turned out not to be a valid dictionary. */
  failed = false;
  /** Key of the member just read. */
  key = '';
  /** ItemKind of its value (InnerList for an inner list; Boolean true for a bare key). */
  kind = 0;
  /** Integer / Decimal / Date value, or 1/0 for a Boolean. */
  number = 0;

  start(input: string): void {
    this.s = input;
    this.pos = 0;
    this.first = true;
    this.failed = false;
    // RFC 8941 §4.2: discard leading SP (HTAB too: field values are trimmed of OWS anyway).
    this.skipOws();
  }

  /** Reads the next member; false at the end of input or on a syntax error (then `failed` is set). */
  nextMember(): boolean {
    if (this.failed) return false;
    const s = this.s;
    if (this.pos >= s.length) {
      return false;
    }
    if (!this.first) {
      if (s.charCodeAt(this.pos) !== COMMA) return this.fail();
      this.pos++;
      this.skipOws();
      if (this.pos >= s.length) return this.fail(); // trailing comma
    }
    this.first = false;
    if (!this.readKey()) return this.fail();
    this.key = s.slice(this.keyStart, this.pos);
    if (s.charCodeAt(this.pos) === EQUALS) {
      this.pos++;
      const ok = s.charCodeAt(this.pos) === OPEN ? this.readInnerList() : this.readItem();
      if (!ok) return this.fail();
    } else {
      this.kind = ItemKind.Boolean;
      this.number = 1;
      if (!this.readParameters()) return this.fail();
    }
    this.skipOws();
    return true;
  }

  private keyStart = 0;

  private fail(): false {
    this.failed = true;
    return false;
  }

  private skipOws(): void {
    const s = this.s;
    let c = s.charCodeAt(this.pos);
    while (c === SP || c === HTAB) c = s.charCodeAt(++this.pos);
  }

  private skipSp(): void {
    while (this.s.charCodeAt(this.pos) === SP) this.pos++;
  }

  private readKey(): boolean {
    const s = this.s;
    this.keyStart = this.pos;
    const c = s.charCodeAt(this.pos);
    if (!isLcAlpha(c) && c !== STAR) return false;
    this.pos++;
    while (isKeyChar(s.charCodeAt(this.pos))) this.pos++;
    return true;
  }

  /** sf-item = bare-item parameters; leaves the bare item's kind and number in place. */
  private readItem(): boolean {
    if (!this.readBareItem()) return false;
    const kind = this.kind;
    const number = this.number;
    if (!this.readParameters()) return false;
    this.kind = kind;
    this.number = number;
    return true;
  }

  /** RFC 8941 §4.2.1.2: "(" *SP [ sf-item *( 1*SP sf-item ) *SP ] ")" parameters. */
  private readInnerList(): boolean {
    const s = this.s;
    this.pos++; // "("
    for (;;) {
      this.skipSp();
      if (this.pos >= s.length) return false;
      if (s.charCodeAt(this.pos) === CLOSE) {
        this.pos++;
        if (!this.readParameters()) return false;
        this.kind = ItemKind.InnerList;
        return true;
      }
      if (!this.readItem()) return false;
      const c = s.charCodeAt(this.pos);
      if (c !== SP && c !== CLOSE) return false;
    }
  }

  /** parameters = *( ";" *SP key [ "=" bare-item ] ). */
  private readParameters(): boolean {
    const s = this.s;
    while (s.charCodeAt(this.pos) === SEMICOLON) {
      this.pos++;
      this.skipSp();
      if (!this.readKey()) return false;
      if (s.charCodeAt(this.pos) === EQUALS) {
        this.pos++;
        if (!this.readBareItem()) return false;
      }
    }
    return true;
  }

  private readBareItem(): boolean {
    const c = this.s.charCodeAt(this.pos);
    if (c === MINUS || isDigit(c)) return this.readNumber();
    if (c === DQUOTE) return this.readString();
    if (c === STAR || isAlpha(c)) return this.readToken();
    if (c === COLON) return this.readBinary();
    if (c === QUESTION) return this.readBoolean();
    if (c === AT) {
      this.pos++;
      if (!this.readNumber() || this.kind !== ItemKind.Integer) return false;
      this.kind = ItemKind.Date;
      return true;
    }
    if (c === PERCENT) return this.readDisplayString();
    return false;
  }

  /** RFC 8941 §4.2.4: at most 15 integer digits, or 12 + "." + up to 3 for a decimal. */
  private readNumber(): boolean {
    const s = this.s;
    const start = this.pos;
    let sign = 1;
    if (s.charCodeAt(this.pos) === MINUS) {
      sign = -1;
      this.pos++;
    }
    const digitsStart = this.pos;
    if (!isDigit(s.charCodeAt(this.pos))) return false;
    let dot = -1;
    for (;;) {
      const c = s.charCodeAt(this.pos);
      if (isDigit(c)) {
        this.pos++;
      } else if (c === DOT && dot < 0) {
        if (this.pos - digitsStart > 12) return false;
        dot = this.pos;
        this.pos++;
      } else {
        break;
      }
      if (dot < 0 && this.pos - digitsStart > 15) return false;
      if (dot >= 0 && this.pos - digitsStart > 16) return false;
    }
    if (dot < 0) {
      this.kind = ItemKind.Integer;
      // `+ 0` turns -0 into 0.
      this.number = sign * Number(s.slice(digitsStart, this.pos)) + 0;
      return true;
    }
    const fraction = this.pos - dot - 1;
    if (fraction < 1 || fraction > 3) return false;
    this.kind = ItemKind.Decimal;
    this.number = Number(s.slice(start, this.pos));
    return true;
  }

  private readString(): boolean {
    const s = this.s;
    this.pos++;
    for (;;) {
      const c = s.charCodeAt(this.pos++);
      if (c === DQUOTE) break;
      if (c === BACKSLASH) {
        const e = s.charCodeAt(this.pos++);
        if (e !== DQUOTE && e !== BACKSLASH) return false;
      } else if (!(c >= 0x20 && c <= 0x7e)) {
        return false; // control, non-ASCII or end of input
      }
    }
    this.kind = ItemKind.String;
    return true;
  }

  private readToken(): boolean {
    this.pos++;
    while (isTokenChar(this.s.charCodeAt(this.pos))) this.pos++;
    this.kind = ItemKind.Token;
    return true;
  }

  private readBinary(): boolean {
    const s = this.s;
    this.pos++;
    for (;;) {
      const c = s.charCodeAt(this.pos++);
      if (c === COLON) break;
      if (!isBase64Char(c)) return false;
    }
    this.kind = ItemKind.Binary;
    return true;
  }

  private readBoolean(): boolean {
    const c = this.s.charCodeAt(this.pos + 1);
    if (c !== 0x30 && c !== 0x31) return false;
    this.pos += 2;
    this.kind = ItemKind.Boolean;
    this.number = c - 0x30;
    return true;
  }

  /** RFC 9651 §4.2.10: %"…" with lowercase %xx escapes and no raw DQUOTE, "%" or non-ASCII. */
  private readDisplayString(): boolean {
    const s = this.s;
    if (s.charCodeAt(this.pos + 1) !== DQUOTE) return false;
    this.pos += 2;
    for (;;) {
      const c = s.charCodeAt(this.pos++);
      if (c === DQUOTE) break;
      if (c === PERCENT) {
        if (!isLcHex(s.charCodeAt(this.pos)) || !isLcHex(s.charCodeAt(this.pos + 1))) return false;
        this.pos += 2;
      } else if (!(c >= 0x20 && c <= 0x7e)) {
        return false;
      }
    }
    this.kind = ItemKind.DisplayString;
    return true;
  }
}

import type { AddressObject, EmailAddress, HeaderValue } from 'mailparser';

/** One mailbox of an address header. */
export interface MailAddress {
  readonly name: string;
  readonly address: string;
}

/** A plain `local@domain` with no blanks: what Graph and Gmail accept as a recipient address. */
const ADDRESS = /^[^\s@]+@[^\s@]+$/;

/**
 * The mailboxes of a parsed address header, groups flattened. Entries without a usable address (an
 * empty group, `undisclosed-recipients:;`, a malformed one) are left out: the original header is still
 * carried by the copy's header block.
 */
export function addressesOf(value: HeaderValue | undefined): MailAddress[] {
  if (value === undefined) return [];
  const objects = (Array.isArray(value) ? value : [value]).filter(isAddressObject);
  const out: MailAddress[] = [];
  const visit = (entries: readonly EmailAddress[]) => {
    for (const e of entries) {
      if (e.group) visit(e.group);
      else if (e.address && ADDRESS.test(e.address))
        out.push({ name: e.name || e.address, address: e.address });
    }
  };
  for (const o of objects) visit(o.value);
  return out;
}

function isAddressObject(value: unknown): value is AddressObject {
  return typeof value === 'object' && value !== null && Array.isArray((value as { value?: unknown }).value);
}

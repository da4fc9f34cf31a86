/**
 * Backstage's field format rules (Kubernetes-style names), as plain predicates.
 * Lengths and character sets match `@backstage/catalog-model`'s default validators;
 * the conformance test holds them to it.
 */

const DNS_LABEL = /^[a-z0-9]+(?:-+[a-z0-9]+)*$/;
const OBJECT_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const KIND = /^[a-zA-Z][a-z0-9A-Z]*$/;
const TAG = /^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$/;
const VERSION = /^[a-z0-9A-Z]+$/;

/** A DNS label: `[a-z0-9]` runs joined by `-`, 1 to 63 characters. */
export function isDnsLabel(value: string): boolean {
  return value.length >= 1 && value.length <= 63 && DNS_LABEL.test(value);
}

/** A DNS subdomain: dot-separated DNS labels, at most 253 characters. */
export function isDnsSubdomain(value: string): boolean {
  return value.length >= 1 && value.length <= 253 && value.split('.').every(isDnsLabel);
}

/** `suffix` or `prefix/suffix`, each part checked by its own rule. */
function isPrefixAndOrSuffix(value: string, prefixOk: (s: string) => boolean, suffixOk: (s: string) => boolean): boolean {
  const parts = value.split('/');
  if (parts.length === 1) return suffixOk(parts[0] ?? '');
  if (parts.length === 2) return prefixOk(parts[0] ?? '') && suffixOk(parts[1] ?? '');
  return false;
}

/** Entity names, label values and the name part of keys: 1 to 63 of `[A-Za-z0-9]` joined by `-_.`. */
export function isObjectName(value: string): boolean {
  return value.length >= 1 && value.length <= 63 && OBJECT_NAME.test(value);
}

/** `apiVersion`: `[dns-subdomain/]version`, e.g. `backstage.io/v1alpha1`. */
export function isApiVersion(value: string): boolean {
  return isPrefixAndOrSuffix(value, isDnsSubdomain, (v) => v.length >= 1 && v.length <= 63 && VERSION.test(v));
}

/** `kind`: a letter then letters and digits, at most 63. */
export function isKind(value: string): boolean {
  return value.length >= 1 && value.length <= 63 && KIND.test(value);
}

/** Label and annotation keys: `[dns-subdomain/]name`. */
export function isQualifiedKey(value: string): boolean {
  return isPrefixAndOrSuffix(value, isDnsSubdomain, isObjectName);
}

/** Label values may also be empty. */
export function isLabelValue(value: string): boolean {
  return value === '' || isObjectName(value);
}

/** Tags: `[a-z0-9:+#]` runs joined by `-`, 1 to 63 characters. */
export function isTag(value: string): boolean {
  return value.length >= 1 && value.length <= 63 && TAG.test(value);
}

/** Anything the WHATWG URL parser accepts, as Backstage checks link URLs. */
export function isUrl(value: string): boolean {
  return URL.canParse(value);
}

/** Non-empty after trimming. */
export function isNonBlank(value: string): boolean {
  return value.trim().length > 0;
}

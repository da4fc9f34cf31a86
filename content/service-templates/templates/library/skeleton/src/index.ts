/** ${{ values.name }}: add the library's API here. */
export function hello(name: string): string {
  return `hello ${name}`;
}

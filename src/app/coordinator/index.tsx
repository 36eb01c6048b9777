/** Coordinator pages (online only, role-gated), loaded lazily so verifiers never download them. */
export function CoordinatorApp({ path }: { path: string }) {
  return <p>{path}</p>;
}

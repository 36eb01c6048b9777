// pouchdb-browser ships no types; store-bench.ts declares the slice it uses.
declare module 'pouchdb-browser' {
  const PouchDB: unknown;
  export default PouchDB;
}

// pouchdb-browser ships no types; store-bench.ts declares the slice of its API it uses.
declare module 'pouchdb-browser';

// @jitsi/rnnoise-wasm ships no types: its Emscripten factory.
declare module '@jitsi/rnnoise-wasm/dist/rnnoise.js' {
  const createRNNWasmModule: (options: { wasmBinary?: ArrayBuffer }) => Promise<unknown>;
  export default createRNNWasmModule;
}

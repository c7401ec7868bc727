// Pyodide's wasm, fetched and checked (runtime-files.js) and compiled while it streams in, from
// the start, while the loader and its big script are still being fetched and parsed, instead
// of when loadPyodide asks for it. Pyodide's own request for it is answered, without a
// request, with this module. And Pyodide, if the wasm does not compile, only logs a warning
// and waits forever: `failed` rejects instead, with the reason.
import { answerHere, fetchVerified } from "./runtime-files.js";

const REAL_INSTANTIATE_STREAMING =
  typeof WebAssembly === "object" && WebAssembly ? WebAssembly.instantiateStreaming : undefined;

function compileStreaming(stream) {
  return WebAssembly.compileStreaming(new Response(stream, { headers: { "Content-Type": "application/wasm" } }));
}

// Returns {failed, restore}; `done(stage)` is told when the module is compiled.
export function loadWasm(url, expected, options, done = () => {}) {
  const name = url.split("/").pop();
  const streaming = typeof WebAssembly.compileStreaming === "function";
  const module = fetchVerified(url, expected, { ...options, consume: streaming ? compileStreaming : undefined })
    .then(({ bytes, consumed }) =>
      (consumed || WebAssembly.compile(bytes)).catch((error) => {
        throw new Error(`${name} could not be loaded: ${error.message || error}`);
      }))
    .then((compiled) => {
      done("wasm_done");
      return compiled;
    });
  let report;
  const failed = new Promise((_, reject) => {
    report = reject;
  });
  module.catch(report);
  const forget = answerHere(url, null);
  WebAssembly.instantiateStreaming = async (source, imports) => {
    try {
      const compiled = await module;
      return { module: compiled, instance: await WebAssembly.instantiate(compiled, imports) };
    } catch (error) {
      report(error);
      throw error;
    }
  };
  return {
    failed,
    restore() {
      forget();
      WebAssembly.instantiateStreaming = REAL_INSTANTIATE_STREAMING;
    },
  };
}

// Stands in for @excalidraw/mermaid-to-excalidraw (Mermaid is several
// megabytes and lessons do not need diagrams-from-text): the build points
// Excalidraw's optional import here, so the feature says it is unavailable.
export async function parseMermaidToExcalidraw(): Promise<never> {
  throw new Error('Mermaid diagrams are not available on this server');
}

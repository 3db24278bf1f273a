/** graph-core: the document model, the layer catalogue and the compiler passes. Pure TypeScript. */
export * from './shape';
export * from './params';
export * from './diagnostics';
export * from './define-layer';
export * from './document/types';
export { documentSchema, formatPath } from './document/schema';
export { parseDocument, loadDocument, migrateLayers, type LoadResult } from './document/load';
export { documentMigrations, migrateDocument, type DocumentMigration } from './document/migrations';
export { layers, allLayers, layerByKind, getLayer, type LayerKind } from './layers';
export { validate, resolvePort, resolveParams, suggestKind, topoSort, type ValidatedGraph, type ResolvedNode, type ResolvedEdge } from './passes/validate';
export { inferShapes, inferNode, type ShapedGraph, type NodeInfo } from './passes/infer-shapes';
export { canConnect, type Connectability } from './passes/can-connect';
export { summarize, type Summary, type SummaryRow } from './passes/summarize';
export { applyCommand, fixCommand, freshId, CommandError, type Command } from './document/commands';
export { Rng } from './random';

/** The importers for the user's own data: bytes or text in, a Dataset out. Browser-safe. */
export { DEFAULT_MAX_BYTES, type ImportedDataset } from './common';
export { importCsv, standardizeCsv, type CsvDataset, type CsvFeature, type CsvOptions } from './csv';
export { importImageFolder, type ImageFile, type ImageFolderOptions } from './image-folder';
export { importNpz, parseNpy, type NpyArray, type NpzOptions } from './npz';
export { resizeBilinear } from './resize';
export { buildVocab, importText, PAD, tokenize, UNK, type TextOptions } from './text';

/** The model cannot be imported; the message is one line saying what was not understood, and where. */
export class OnnxImportError extends Error {
  constructor(message: string) {
    super(message.replace(/\s+/g, ' ').trim());
    this.name = 'OnnxImportError';
  }
}

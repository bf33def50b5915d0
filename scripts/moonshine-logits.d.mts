/** Moonshine tiny's merged decoder with its logits computed from the int8 embedding table (see the .mjs). */
export function quantizeLogitsProjection(modelBytes: Uint8Array): Uint8Array;

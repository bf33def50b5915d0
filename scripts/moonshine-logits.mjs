// @ts-check
// Rewrites Moonshine tiny's merged decoder so that its logits come from the
// int8 embedding table directly. Run by copy-assets.mjs on `npm install`; the
// output's sha256 is pinned there, like every model's.
//
// Why. The decoder ties its output projection to its token embedding, a
// 32768 × 288 uint8 table. The exported graph computes each step's logits as
// MatMul(hidden, DequantizeLinear(Transpose(table))): onnxruntime folds the
// Transpose into a uint8 copy per branch of the merged decoder's `If` (2 ×
// 9.4 MB), and never folds DequantizeLinear, so every decoder step expands the
// whole table to a 37.7 MB float32 tensor before the MatMul. In the Wasm
// heap, which never shrinks, that is ~48 MB for nothing (measured in
// onnxruntime-web: 130 → 82 MB with both Moonshine sessions built and run).
//
// What. One table, stored transposed (288 × 32768), serves both uses:
//   - the embedding lookup: Gather(table, ids, axis = 1) → Transpose, the
//     same uint8 rows as before, so the inputs to the first layer are exact;
//   - the logits, in two passes. First all of them from an 8-bit hidden
//     state: DynamicQuantizeLinear(hidden) → MatMulInteger(·, table) ×
//     scales, the pattern the export uses for every other weight
//     (onnxruntime fuses it into DynamicQuantizeMatMul). Then the best
//     EXACT_TOP of those are recomputed from the float hidden state and their
//     dequantized rows (TopK, Gather, DequantizeLinear, Mul, ReduceSum), every
//     other logit is held at or below the lowest of them (ReduceMin, Min), and
//     the exact ones are written back (ScatterElements). The winner is thus
//     always one of the eight, and it is the original model's whenever that
//     is among the 8-bit pass's best eight. The 8-bit pass alone is within
//     ~1% of the largest logit on speech, which was enough to change 6 of 169
//     development hypotheses and, in the bench, "milk" to "meal". With the
//     exact pass, on the development set (169 clips, 1555 words, half of them
//     with a vocabulary list, whose bonus can lift a token from outside the
//     best eight) one hypothesis changed, for the better, and the WER went
//     25.85 → 25.66%. tests/integration/moonshine-logits.test.ts checks
//     every step on the human recordings.
// Speed is unchanged in onnxruntime-web (int8 in Wasm is no faster than the
// float32 it replaces); onnxruntime-node decodes the bench's clips 25–45%
// faster with it.

// The ONNX file is edited at the protobuf level: only the fields this touches
// are decoded, everything else is copied byte for byte.
import protobuf from 'protobufjs/minimal.js';

const { Reader, Writer } = protobuf;

const TABLE = 'model.decoder.embed_tokens.weight_merged_0_quantized';
const SCALE = 'model.decoder.embed_tokens.weight_merged_0_scale';
const ZERO_POINT = 'model.decoder.embed_tokens.weight_merged_0_zero_point';
const TABLE_TRANSPOSED = 'model.decoder.embed_tokens.weight_transposed_quantized_shared';
const PREFIX = '/int8_logits/';
/** How many of the approximate logits are recomputed exactly (see the top of the file). */
const EXACT_TOP = 8;
/** Small int64 constants the new nodes take as inputs (opset 13+ passes axes and K as tensors). */
const CONSTANTS = {
  exactTop: { name: `${PREFIX}exact_top`, value: EXACT_TOP },
  lastAxis: { name: `${PREFIX}last_axis`, value: -1 },
  columnAxis: { name: `${PREFIX}column_axis`, value: 2 },
};

/** Field numbers in onnx.proto. */
const MODEL = { graph: 7 };
const GRAPH = { node: 1, initializer: 5 };
const NODE = { input: 1, output: 2, name: 3, opType: 4, attribute: 5 };
const ATTRIBUTE = { name: 1, i: 3, g: 6, ints: 8, type: 20 };
const ATTRIBUTE_TYPE = { int: 2, ints: 7 };
const TENSOR = { dims: 1, dataType: 2, name: 8, rawData: 9 };
const DATA_TYPE = { float: 1, uint8: 2, int64: 7 };
const VARINT = 0;
const LENGTH_DELIMITED = 2;

/**
 * @typedef {{ number: number, raw: Uint8Array, payload: Uint8Array | null, value: number | null }} Field
 * One field of a protobuf message: its bytes as they were (`raw`), and the
 * payload of a length-delimited one or the value of a varint.
 */

/** @param {Uint8Array} bytes @returns {Field[]} */
function fieldsOf(bytes) {
  const reader = Reader.create(bytes);
  /** @type {Field[]} */
  const fields = [];
  while (reader.pos < reader.len) {
    const start = reader.pos;
    const tag = reader.uint32();
    let payload = null;
    let value = null;
    if ((tag & 7) === LENGTH_DELIMITED) payload = reader.bytes();
    else if ((tag & 7) === VARINT) value = Number(reader.int64());
    else reader.skipType(tag & 7);
    fields.push({ number: tag >>> 3, raw: bytes.subarray(start, reader.pos), payload, value });
  }
  return fields;
}

/**
 * A new field, for writing out only (payload and value are not kept).
 * @param {number} number @param {(writer: protobuf.Writer) => void} write @returns {Field}
 */
function written(number, write) {
  const writer = Writer.create();
  write(writer);
  return { number, raw: writer.finish(), payload: null, value: null };
}

/** @param {number} number @param {Uint8Array} payload */
const message = (number, payload) => written(number, (w) => w.uint32((number << 3) | LENGTH_DELIMITED).bytes(payload));
/** @param {number} number @param {string} text */
const string = (number, text) => written(number, (w) => w.uint32((number << 3) | LENGTH_DELIMITED).string(text));
/** @param {number} number @param {number} value */
const varint = (number, value) => written(number, (w) => w.uint32((number << 3) | VARINT).int64(value));

/** @param {Field[]} fields */
function encode(fields) {
  const out = new Uint8Array(fields.reduce((sum, f) => sum + f.raw.length, 0));
  let at = 0;
  for (const f of fields) {
    out.set(f.raw, at);
    at += f.raw.length;
  }
  return out;
}

/** @param {Field[]} fields @param {number} number */
const strings = (fields, number) =>
  fields.filter((f) => f.number === number).map((f) => new TextDecoder().decode(/** @type {Uint8Array} */ (f.payload)));

/**
 * @param {string} name @param {string} opType @param {string[]} inputs @param {string[]} outputs
 * @param {Field[][]} [attributes]
 */
function node(name, opType, inputs, outputs, attributes = []) {
  const fields = [
    ...inputs.map((i) => string(NODE.input, i)),
    ...outputs.map((o) => string(NODE.output, o)),
    string(NODE.name, PREFIX + name),
    string(NODE.opType, opType),
    ...attributes.map((a) => message(NODE.attribute, encode(a))),
  ];
  return message(GRAPH.node, encode(fields));
}

/** @param {string} name @param {number} value */
const intAttribute = (name, value) => [
  string(ATTRIBUTE.name, name),
  varint(ATTRIBUTE.i, value),
  varint(ATTRIBUTE.type, ATTRIBUTE_TYPE.int),
];
/** @param {string} name @param {number[]} values */
const intsAttribute = (name, values) => [
  string(ATTRIBUTE.name, name),
  ...values.map((v) => varint(ATTRIBUTE.ints, v)),
  varint(ATTRIBUTE.type, ATTRIBUTE_TYPE.ints),
];

/** @param {Field} field */
function parsedNode(field) {
  const fields = fieldsOf(/** @type {Uint8Array} */ (field.payload));
  return {
    field,
    fields,
    opType: strings(fields, NODE.opType)[0],
    inputs: strings(fields, NODE.input),
    outputs: strings(fields, NODE.output),
  };
}

/** Rewrites one branch of the decoder's `If`: its embedding lookup and its logits. */
function rewriteBranch(/** @type {Uint8Array} */ graphBytes) {
  const graph = fieldsOf(graphBytes);
  const nodes = graph.filter((f) => f.number === GRAPH.node).map(parsedNode);
  /** @param {string} what @param {(n: ReturnType<typeof parsedNode>) => boolean} test */
  const only = (what, test) => {
    const found = nodes.filter(test);
    if (found.length !== 1)
      throw new Error(`moonshine-logits: expected one ${what} in each branch, found ${found.length}`);
    return found[0];
  };
  const lookup = only('embedding Gather', (n) => n.opType === 'Gather' && n.inputs[0] === TABLE);
  const transpose = only('table Transpose', (n) => n.opType === 'Transpose' && n.inputs[0] === TABLE);
  const dequantize = only('table DequantizeLinear', (n) => n.inputs[0] === transpose.outputs[0]);
  const projection = only('logits MatMul', (n) => n.opType === 'MatMul' && n.inputs[1] === dequantize.outputs[0]);
  if (nodes.some((n) => n !== lookup && n !== transpose && n.inputs.includes(TABLE))) {
    throw new Error('moonshine-logits: the embedding table has a use this rewrite does not know');
  }
  const [hidden] = projection.inputs;
  const [logits] = projection.outputs;
  const p = PREFIX;
  const newLookup = [
    node(
      'lookup/Gather',
      'Gather',
      [TABLE_TRANSPOSED, lookup.inputs[1]],
      [`${p}embedding_columns`],
      [intAttribute('axis', 1)],
    ),
    node(
      'lookup/Transpose',
      'Transpose',
      [`${p}embedding_columns`],
      [lookup.outputs[0]],
      [intsAttribute('perm', [1, 2, 0])],
    ),
  ];
  const newProjection = [
    node(
      'logits/DynamicQuantizeLinear',
      'DynamicQuantizeLinear',
      [hidden],
      [`${p}hidden`, `${p}hidden_scale`, `${p}hidden_zero_point`],
    ),
    node(
      'logits/MatMulInteger',
      'MatMulInteger',
      [`${p}hidden`, TABLE_TRANSPOSED, `${p}hidden_zero_point`, ZERO_POINT],
      [`${p}logits_int`],
    ),
    node('logits/Cast', 'Cast', [`${p}logits_int`], [`${p}logits_unscaled`], [intAttribute('to', DATA_TYPE.float)]),
    node('logits/ScaleMul', 'Mul', [`${p}hidden_scale`, SCALE], [`${p}logits_scale`]),
    node('logits/Mul', 'Mul', [`${p}logits_unscaled`, `${p}logits_scale`], [`${p}logits_approximate`]),
    // The best few, recomputed from the dequantized rows and the float hidden state.
    node(
      'exact/TopK',
      'TopK',
      [`${p}logits_approximate`, CONSTANTS.exactTop.name],
      [`${p}top`, `${p}top_ids`],
      [intAttribute('axis', -1)],
    ),
    node('exact/Gather', 'Gather', [TABLE_TRANSPOSED, `${p}top_ids`], [`${p}top_columns`], [intAttribute('axis', 1)]),
    node(
      'exact/Transpose',
      'Transpose',
      [`${p}top_columns`],
      [`${p}top_rows_quantized`],
      [intsAttribute('perm', [1, 2, 3, 0])],
    ),
    node('exact/DequantizeLinear', 'DequantizeLinear', [`${p}top_rows_quantized`, SCALE, ZERO_POINT], [`${p}top_rows`]),
    node('exact/Unsqueeze', 'Unsqueeze', [hidden, CONSTANTS.columnAxis.name], [`${p}hidden_column`]),
    node('exact/Mul', 'Mul', [`${p}top_rows`, `${p}hidden_column`], [`${p}top_products`]),
    node(
      'exact/ReduceSum',
      'ReduceSum',
      [`${p}top_products`, CONSTANTS.lastAxis.name],
      [`${p}top_exact`],
      [intAttribute('keepdims', 0)],
    ),
    // Every other logit is held at or below the lowest of the eight, so the
    // winner is always one of the recomputed ones (ReduceMin still takes its
    // axes as an attribute at opset 14).
    node('exact/ReduceMin', 'ReduceMin', [`${p}top_exact`], [`${p}top_exact_lowest`], [intsAttribute('axes', [-1])]),
    node('exact/Min', 'Min', [`${p}logits_approximate`, `${p}top_exact_lowest`], [`${p}logits_capped`]),
    node(
      'exact/ScatterElements',
      'ScatterElements',
      [`${p}logits_capped`, `${p}top_ids`, `${p}top_exact`],
      [logits],
      [intAttribute('axis', -1)],
    ),
  ];
  const removed = new Set([lookup.field, transpose.field, dequantize.field, projection.field]);
  // Nodes stay in topological order: each replacement goes where the node it replaces was.
  return encode(
    graph.flatMap((f) => {
      if (f === lookup.field) return newLookup;
      if (f === projection.field) return newProjection;
      return removed.has(f) ? [] : [f];
    }),
  );
}

/** @param {Uint8Array} tensorBytes */
function transposedTable(tensorBytes) {
  const tensor = fieldsOf(tensorBytes);
  // Varints only: packed dims (one length-delimited field) come out empty and are refused below.
  const dims = tensor.filter((f) => f.number === TENSOR.dims).map((f) => f.value);
  const dataType = tensor.filter((f) => f.number === TENSOR.dataType).map((f) => f.value);
  const data = tensor.find((f) => f.number === TENSOR.rawData)?.payload;
  if (dims.length !== 2 || dataType[0] !== DATA_TYPE.uint8 || !data || data.length !== dims[0] * dims[1]) {
    throw new Error(`moonshine-logits: the embedding table is not a raw uint8 matrix (dims ${dims})`);
  }
  const [rows, columns] = dims;
  const transposed = new Uint8Array(data.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) transposed[c * rows + r] = data[r * columns + c];
  }
  return encode([
    varint(TENSOR.dims, columns),
    varint(TENSOR.dims, rows),
    varint(TENSOR.dataType, DATA_TYPE.uint8),
    string(TENSOR.name, TABLE_TRANSPOSED),
    message(TENSOR.rawData, transposed),
  ]);
}

/**
 * Moonshine tiny's merged decoder, rewritten as described at the top of this
 * file. Throws if the graph is not the one this was written for.
 * @param {Uint8Array} modelBytes
 * @returns {Uint8Array}
 */
export function quantizeLogitsProjection(modelBytes) {
  const model = fieldsOf(modelBytes);
  const graphField = model.find((f) => f.number === MODEL.graph);
  if (!graphField?.payload) throw new Error('moonshine-logits: no graph');
  const graph = fieldsOf(graphField.payload);
  const table = graph.filter(
    (f) =>
      f.number === GRAPH.initializer &&
      strings(fieldsOf(/** @type {Uint8Array} */ (f.payload)), TENSOR.name)[0] === TABLE,
  );
  if (table.length !== 1) throw new Error(`moonshine-logits: no initializer ${TABLE}`);
  let branches = 0;
  const constants = Object.values(CONSTANTS).map(({ name, value }) => {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigInt64(0, BigInt(value), true);
    const tensor = [varint(TENSOR.dims, 1), varint(TENSOR.dataType, DATA_TYPE.int64), string(TENSOR.name, name)];
    return message(GRAPH.initializer, encode([...tensor, message(TENSOR.rawData, bytes)]));
  });
  const rewritten = graph.flatMap((f) => {
    if (f === table[0]) {
      return [message(GRAPH.initializer, transposedTable(/** @type {Uint8Array} */ (f.payload))), ...constants];
    }
    if (f.number !== GRAPH.node) return [f];
    const n = parsedNode(f);
    if (n.opType !== 'If') {
      if (n.inputs.includes(TABLE)) throw new Error('moonshine-logits: the table is used outside the If');
      return [f];
    }
    const fields = n.fields.map((a) => {
      if (a.number !== NODE.attribute) return a;
      const attribute = fieldsOf(/** @type {Uint8Array} */ (a.payload)).map((x) => {
        if (x.number !== ATTRIBUTE.g) return x;
        branches++;
        return message(ATTRIBUTE.g, rewriteBranch(/** @type {Uint8Array} */ (x.payload)));
      });
      return message(NODE.attribute, encode(attribute));
    });
    return [message(GRAPH.node, encode(fields))];
  });
  if (branches !== 2) throw new Error(`moonshine-logits: expected an If with two branches, found ${branches}`);
  return encode(model.map((f) => (f === graphField ? message(MODEL.graph, encode(rewritten)) : f)));
}

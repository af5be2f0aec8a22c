'use strict';
// Serializes JSON values with Confluent's own serializers (@confluentinc/schemaregistry, found
// through NODE_PATH) against a schema registry, and prints each serialized value as one line of
// base64. Used by ConfluentJsSerializer so that the wire-format bytes the tests archive are written
// by code we did not write.
//
// Input on stdin, one JSON document:
//   {"url": "http://127.0.0.1:PORT", "topic": "t", "key": false,
//    "type": "AVRO" | "JSON" | "PROTOBUF", "schema": "<schema text>" | null, "values": [...]}
// With a schema, Confluent's client registers it under the topic's subject (TopicNameStrategy:
// t-value, or t-key with "key": true) and the serializer writes with the subject's latest version
// (use.latest.version). Without one, the serializer derives each value's schema itself and
// registers it (auto.register.schemas), as a producer does by default.
const sr = require('@confluentinc/schemaregistry');

function readStdin() {
  return new Promise((resolve, reject) => {
    const chunks = [];
    process.stdin.on('data', (c) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

async function main() {
  const req = JSON.parse(await readStdin());
  const client = new sr.SchemaRegistryClient({ baseURLs: [req.url], cacheCapacity: 1000 });
  const serdeType = req.key ? sr.SerdeType.KEY : sr.SerdeType.VALUE;
  const subject = req.topic + (req.key ? '-key' : '-value');
  const conf = {};
  if (req.schema == null) {
    conf.autoRegisterSchemas = true;
  } else {
    await client.register(subject, { schemaType: req.type, schema: req.schema });
    conf.useLatestVersion = true;
  }
  let serializer;
  switch (req.type) {
    case 'AVRO':
      serializer = new sr.AvroSerializer(client, serdeType, conf);
      break;
    case 'JSON':
      // Each value is checked against its JSON Schema (Ajv); formats are not checked: the
      // package brings no format validators (no ajv-formats) and Ajv refuses unknown ones.
      serializer = new sr.JsonSerializer(client, serdeType,
        { ...conf, validate: true, validateFormats: false });
      break;
    default:
      throw new Error('unsupported schema type ' + req.type);
  }
  const out = [];
  for (const value of req.values) {
    out.push((await serializer.serialize(req.topic, value)).toString('base64'));
  }
  process.stdout.write(out.join('\n') + (out.length ? '\n' : ''));
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});

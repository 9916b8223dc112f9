export { createMqttSubscriber, type MqttSubscriber, type MqttSubscriberOptions } from './mqtt-subscriber.ts';
export {
  parseJsonReading,
  jsonReadingSchema,
  meterCodeFromTopic,
  JSON_READING_TOPIC_FILTER,
  type JsonReadingResult,
} from './json-payload.ts';
export {
  createSparkplugSession,
  parseSparkplugTopic,
  deviceDataTopic,
  readingKeyOf,
  REBIRTH_METRIC,
  SPARKPLUG_FILTERS,
  type SparkplugSession,
  type SparkplugTopic,
  type SparkplugPayload,
  type SparkplugOutcome,
} from './sparkplug-session.ts';

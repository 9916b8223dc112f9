// Public entry of the embedded MQTT broker (aedes), used when MQTT_URL is absent.
export { startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker.ts';

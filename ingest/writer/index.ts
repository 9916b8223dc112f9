export {
  createReadingWriter,
  type ReadingWriter,
  type ReadingWriterOptions,
  type WriterStats,
} from './reading-writer.ts';
export { insertReadings, toColumnParams, INSERT_READINGS_SQL, isDataError } from './reading-repository.ts';
export { insertDeadLetters, type DeadLetter, type DeadLetterSource } from './dead-letter-repository.ts';
export { openSpool, type Spool, type SpoolRecord, type SpoolStats, type ReadingSource } from './spool.ts';

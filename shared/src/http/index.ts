export { CORRELATION_HEADER, createHttpApp, type HttpAppOptions } from './create-http-app';
export { type ErrorAnswer, type ErrorTable, RUNTIME_ERROR_ANSWERS } from './error-table';
export { isUuid, joinUrl } from './params';
export { fieldName, type Problem, sendProblem } from './problem';
export { type RunningServer, startHttpServer } from './start-http-server';
export { text } from './text';

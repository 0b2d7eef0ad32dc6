export { CORRELATION_HEADER, createHttpApp, type HttpAppOptions } from './create-http-app';
export { fieldName, type Problem, sendProblem } from './problem';
export { type RunningServer, startHttpServer } from './start-http-server';

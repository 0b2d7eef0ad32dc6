export {
  type ApiAnswer,
  type ApiDescription,
  type ApiRoute,
  addRoute,
  defineRoute,
  type FieldError,
  invalidRequest,
  type ParsedRequest,
} from './api-route';
export { hasBearerToken, requireBearerToken } from './bearer-token';
export { CORRELATION_HEADER, createHttpApp, type HttpAppOptions } from './create-http-app';
export { type ErrorAnswer, type ErrorTable, REQUEST_INVALID, RUNTIME_ERROR_ANSWERS } from './error-table';
export { fieldName } from './field-name';
export { HTTP_APP_ROUTES } from './http-app-routes';
export { type OpenApiDocument, openApiDocument } from './openapi';
export { isUuid, joinUrl } from './params';
export { type Problem, sendProblem } from './problem';
export { problemSchema } from './problem-schema';
export { assertRoutesDocumented, documentedRoutes, registeredRoutes } from './route-coverage';
export { type RunningServer, startHttpServer } from './start-http-server';
export { text } from './text';

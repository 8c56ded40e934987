export { currentTraceparent, flushTracing, inContinuedTrace, recordRoute } from './trace-context';

export { Router, pick } from './router.js';
export { NO_BACKEND, type CompiledMatch } from './compiled.js';
export { applyRequestFilters, applyResponseFilters, applyHeaderModifier, replacePrefix, type FilteredRequest, type HeaderPairs } from './filters.js';
export { routingHost, authorityPort } from './host.js';

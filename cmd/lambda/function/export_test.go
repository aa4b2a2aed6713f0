package function

// HandlerFor is handler, for the tests of package function_test, which
// drive the handlers over a service of their own.
var HandlerFor = handler

package events

// Routes are a domain's HTTP API, served the same way by API Gateway on AWS
// and by the local server.
//
// Reads are always GET /<Collection>/{id} (the read model; ?asOf= a version
// or an RFC 3339 business time recomputes the past) and
// GET /<Collection>/{id}/events (the log, ?from=&limit=). Each command route
// is a POST that starts one execution and answers with the command's reply.
type Routes struct {
	// Collection is the first path segment ("accounts"); the domain's Name
	// when empty.
	Collection string
	// Commands are the command routes. Without any, the domain gets the
	// generic route: POST /<Collection>/{id}/commands, whose body is the
	// whole command with its "type".
	Commands []Route
	// Fields are the body members a command route copies into the command.
	// The route sets the command's type, id, correlation id and stream
	// itself, so a body cannot override them.
	Fields []string
	// CommandStreamKey is the command member that holds the stream id
	// ("accountId"); the routes set it from the path.
	CommandStreamKey string
}

// Route is one command route.
type Route struct {
	// Path is the segment under /<Collection>/{id}; "" is POST /<Collection>,
	// where the body carries the stream id under CommandStreamKey.
	Path string
	// Command is the command type the route starts; "" takes the body's
	// "type" member.
	Command string
	// Status is the HTTP status of a command that succeeded; 200 when 0.
	Status int
	// EmptyBody lets the request have no body at all.
	EmptyBody bool
}

package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"
)

// requestTimeout bounds one bench request, from write to the last byte read.
const requestTimeout = 30 * time.Second

// errBadResponse is a response the bench client cannot read.
var errBadResponse = errors.New("malformed HTTP response")

// conn is one bench client's keep-alive HTTP/1.1 connection. The load
// generator shares the CPUs with the server it measures, so it speaks
// HTTP itself: each request is one write from a reused buffer and each
// response is read in place, at a fraction of net/http's client cost.
// It reads fixed-length, chunked and until-close bodies, and dials again
// after any failure or a response that closes the connection.
type conn struct {
	addr string
	nc   net.Conn
	r    *bufio.Reader
	buf  []byte
	stop func() bool // unregisters the context hook of nc
	// body, when not nil, receives each response body; otherwise bodies
	// are discarded unread.
	body *bytes.Buffer
}

// do sends one request and returns the response status. An error means
// the request may not have reached the server, or its answer was lost.
func (c *conn) do(ctx context.Context, method, path, body string) (int, error) {
	if c.nc == nil {
		if err := c.dial(ctx); err != nil {
			return 0, err
		}
	}
	status, keep, err := c.roundTrip(method, path, body)
	if err != nil || !keep {
		c.close()
	}
	return status, err
}

func (c *conn) roundTrip(method, path, body string) (status int, keep bool, err error) {
	if err := c.nc.SetDeadline(time.Now().Add(requestTimeout)); err != nil {
		return 0, false, err
	}
	c.buf = appendRequest(c.buf[:0], c.addr, method, path, body)
	if _, err := c.nc.Write(c.buf); err != nil {
		return 0, false, err
	}
	var sink io.Writer = io.Discard
	if c.body != nil {
		c.body.Reset()
		sink = c.body
	}
	return readResponse(c.r, method, sink)
}

// dial connects, and arranges for ctx's end to break a request in flight.
func (c *conn) dial(ctx context.Context) error {
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", c.addr)
	if err != nil {
		return err
	}
	c.nc = nc
	c.stop = context.AfterFunc(ctx, func() { _ = nc.SetDeadline(time.Unix(1, 0)) })
	if c.r == nil {
		c.r = bufio.NewReaderSize(nc, 16<<10)
	} else {
		c.r.Reset(nc)
	}
	return nil
}

// close drops the connection; the next request dials again.
func (c *conn) close() {
	if c.nc == nil {
		return
	}
	c.stop()
	_ = c.nc.Close()
	c.nc = nil
}

// appendRequest appends an HTTP/1.1 request with a JSON body, if any.
func appendRequest(b []byte, host, method, path, body string) []byte {
	b = append(b, method...)
	b = append(b, ' ')
	b = append(b, path...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, host...)
	b = append(b, "\r\n"...)
	if body != "" {
		b = append(b, "Content-Type: application/json\r\nContent-Length: "...)
		b = strconv.AppendInt(b, int64(len(body)), 10)
		b = append(b, "\r\n"...)
	}
	b = append(b, "\r\n"...)
	return append(b, body...)
}

// header is what readResponse needs of a response's header.
type header struct {
	status  int
	length  int // -1 when not given
	chunked bool
	keep    bool
}

// readResponse reads one response to a request with method, copies its
// body to w, and reports its status and whether the connection stays open.
func readResponse(r *bufio.Reader, method string, w io.Writer) (int, bool, error) {
	h, err := readHeader(r)
	if err != nil {
		return 0, false, err
	}
	switch {
	case method == "HEAD" || h.status/100 == 1 || h.status == 204 || h.status == 304:
	case h.chunked:
		err = copyChunked(w, r)
	case h.length >= 0:
		err = copyN(w, r, h.length)
	default:
		_, err = io.Copy(w, r)
		h.keep = false
	}
	return h.status, h.keep, err
}

// copyN copies n bytes of r to w, skipping them in place when w is
// io.Discard.
func copyN(w io.Writer, r *bufio.Reader, n int) error {
	if w == io.Discard {
		_, err := r.Discard(n)
		return err
	}
	_, err := io.CopyN(w, r, int64(n))
	return err
}

// readHeader reads the status line and the header fields.
func readHeader(r *bufio.Reader) (header, error) {
	line, err := r.ReadSlice('\n')
	if err != nil {
		return header{}, err
	}
	h := header{length: -1}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' {
		return h, fmt.Errorf("%w: status line %q", errBadResponse, line)
	}
	h.keep = line[7] == '1'
	if h.status, err = digits(line[9:12]); err != nil {
		return h, err
	}
	for {
		if line, err = r.ReadSlice('\n'); err != nil {
			return h, err
		}
		field := bytes.TrimRight(line, "\r\n")
		if len(field) == 0 {
			return h, nil
		}
		if err := h.field(field); err != nil {
			return h, err
		}
	}
}

// field applies one header field to h.
func (h *header) field(f []byte) error {
	name, value, ok := bytes.Cut(f, []byte(":"))
	if !ok {
		return fmt.Errorf("%w: header field %q", errBadResponse, f)
	}
	value = bytes.TrimSpace(value)
	var err error
	switch {
	case bytes.EqualFold(name, []byte("Content-Length")):
		h.length, err = digits(value)
	case bytes.EqualFold(name, []byte("Transfer-Encoding")):
		h.chunked = bytes.EqualFold(value, []byte("chunked"))
	case bytes.EqualFold(name, []byte("Connection")):
		h.keep = h.keep && !bytes.EqualFold(value, []byte("close"))
	}
	return err
}

// copyChunked copies a chunked body to w and reads its trailer.
func copyChunked(w io.Writer, r *bufio.Reader) error {
	for {
		line, err := r.ReadSlice('\n')
		if err != nil {
			return err
		}
		size, _, _ := bytes.Cut(bytes.TrimRight(line, "\r\n"), []byte(";"))
		n, err := strconv.ParseInt(string(bytes.TrimSpace(size)), 16, 32)
		if err != nil || n < 0 {
			return fmt.Errorf("%w: chunk size %q", errBadResponse, line)
		}
		if n == 0 {
			return discardTrailer(r)
		}
		if err := copyN(w, r, int(n)); err != nil {
			return err
		}
		if _, err := r.Discard(2); err != nil {
			return err
		}
	}
}

func discardTrailer(r *bufio.Reader) error {
	for {
		line, err := r.ReadSlice('\n')
		if err != nil {
			return err
		}
		if len(bytes.TrimRight(line, "\r\n")) == 0 {
			return nil
		}
	}
}

// digits parses a non-negative decimal number.
func digits(b []byte) (int, error) {
	if len(b) == 0 || len(b) > 12 {
		return 0, fmt.Errorf("%w: number %q", errBadResponse, b)
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%w: number %q", errBadResponse, b)
		}
		n = n*10 + int(c-'0')
	}
	return n, nil
}

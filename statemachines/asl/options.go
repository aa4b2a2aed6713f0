package asl

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"sync"
)

// Type is the workflow type of a Machine.
type Type string

// Workflow types. Express machines are capped at five minutes and their
// executions have express ARNs; Standard machines run until their
// TimeoutSeconds, if any.
const (
	Express  Type = "EXPRESS"
	Standard Type = "STANDARD"
)

// config is what Options set.
type config struct {
	name     string
	region   string
	account  string
	role     string
	typ      Type
	clock    Clock
	registry *Registry
	src      rand.Source
	uuid     func() string
	store    Store
}

// Option configures a Machine. Options check their arguments.
type Option func(*config) error

var (
	namePattern    = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)
	regionPattern  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d$`)
	accountPattern = regexp.MustCompile(`^\d{12}$`)
)

// WithName sets the state machine name (default "StateMachine").
func WithName(name string) Option {
	return func(c *config) error {
		if !namePattern.MatchString(name) {
			return fmt.Errorf("asl: invalid state machine name %q: use 1 to 80 letters, digits, '-' or '_'", name)
		}
		c.name = name
		return nil
	}
}

// WithRegion sets the AWS region used in ARNs (default "us-east-1").
func WithRegion(region string) Option {
	return func(c *config) error {
		if !regionPattern.MatchString(region) {
			return fmt.Errorf("asl: invalid region %q", region)
		}
		c.region = region
		return nil
	}
}

// WithAccount sets the 12-digit AWS account id used in ARNs (default
// "000000000000").
func WithAccount(account string) Option {
	return func(c *config) error {
		if !accountPattern.MatchString(account) {
			return fmt.Errorf("asl: invalid account id %q: want 12 digits", account)
		}
		c.account = account
		return nil
	}
}

// WithRoleARN sets the execution role reported in $$.Execution.RoleArn.
func WithRoleARN(arn string) Option {
	return func(c *config) error {
		if arn == "" {
			return errors.New("asl: empty role ARN")
		}
		c.role = arn
		return nil
	}
}

// WithType sets the workflow type (default Express).
func WithType(t Type) Option {
	return func(c *config) error {
		if t != Express && t != Standard {
			return fmt.Errorf("asl: unknown workflow type %q", t)
		}
		c.typ = t
		return nil
	}
}

// WithClock sets the clock that drives Wait states, retry delays and
// timeouts (default the wall clock).
func WithClock(clock Clock) Option {
	return func(c *config) error {
		if clock == nil {
			return errors.New("asl: nil clock")
		}
		c.clock = clock
		return nil
	}
}

// WithResources sets the registry that runs Task states.
func WithResources(r *Registry) Option {
	return func(c *config) error {
		if r == nil {
			return errors.New("asl: nil registry")
		}
		c.registry = r
		return nil
	}
}

// WithRand sets the randomness behind retry jitter, States.MathRandom and
// generated UUIDs.
func WithRand(src rand.Source) Option {
	return func(c *config) error {
		if src == nil {
			return errors.New("asl: nil random source")
		}
		c.src = src
		return nil
	}
}

// WithUUIDs sets the generator of execution ids, request ids and
// States.UUID values.
func WithUUIDs(next func() string) Option {
	return func(c *config) error {
		if next == nil {
			return errors.New("asl: nil UUID generator")
		}
		c.uuid = next
		return nil
	}
}

// WithStore sets where finished executions are kept (default in memory).
func WithStore(s Store) Option {
	return func(c *config) error {
		if s == nil {
			return errors.New("asl: nil store")
		}
		c.store = s
		return nil
	}
}

// lockedRand is a rand.Rand safe for concurrent use.
type lockedRand struct {
	mu sync.Mutex
	r  *rand.Rand
}

// float64 returns a number in [0, 1).
func (l *lockedRand) float64() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Float64()
}

// int64Range returns a number in [lo, hi].
func (l *lockedRand) int64Range(lo, hi int64) int64 {
	if hi <= lo {
		return lo
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	span := uint64(hi - lo)
	if span == ^uint64(0) {
		return int64(l.r.Uint64())
	}
	return lo + int64(l.r.Uint64N(span+1))
}

// uuid returns a random version 4 UUID.
func (l *lockedRand) uuid() string {
	l.mu.Lock()
	a, b := l.r.Uint64(), l.r.Uint64()
	l.mu.Unlock()
	a = a&^0xf000 | 0x4000
	b = b&^(0xc<<60) | 0x8<<60
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", a>>32, (a>>16)&0xffff, a&0xffff, b>>48, b&0xffffffffffff)
}

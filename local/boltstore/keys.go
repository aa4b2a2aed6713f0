package boltstore

import (
	"bytes"
	"encoding/binary"

	bolt "go.etcd.io/bbolt"
)

// The events, snapshots and commands buckets are flat: every key starts
// with the stream id and a 0x00 byte, which no stream id holds, so one
// stream's keys are contiguous and sort before those of any longer id.
// Keeping them flat, rather than a nested bucket per stream, keeps the
// pages a group commit rewrites to about one leaf per stream.

// prefix returns the stream's key prefix: the id and a 0x00 byte.
func prefix(stream string) []byte {
	return append([]byte(stream), 0)
}

// versionKey returns the key of the stream's version (or sequence n).
func versionKey(stream string, n int64) []byte {
	return binary.BigEndian.AppendUint64(prefix(stream), uint64(n))
}

// commandKey returns the key of the stream's command record.
func commandKey(stream, commandID string) []byte {
	return append(prefix(stream), commandID...)
}

// versionOf reads the version of a key made by versionKey for stream, or
// -1 when k is not one.
func versionOf(stream string, k []byte) int64 {
	if len(k) != len(stream)+9 {
		return -1
	}
	return keyInt(k[len(stream)+1:])
}

// lastOf positions c at the stream's last key, or returns nil.
func lastOf(c *bolt.Cursor, stream string) ([]byte, []byte) {
	k, _ := c.Seek(append([]byte(stream), 1))
	var v []byte
	if k == nil {
		k, v = c.Last()
	} else {
		k, v = c.Prev()
	}
	return within(stream, k, v)
}

// floor positions c at the stream's last version key at or before version,
// or at its last key when version is negative, or returns nil.
func floor(c *bolt.Cursor, stream string, version int64) ([]byte, []byte) {
	if version < 0 {
		return lastOf(c, stream)
	}
	want := versionKey(stream, version)
	k, v := c.Seek(want)
	switch {
	case k == nil:
		k, v = c.Last()
	case !bytes.Equal(k, want):
		k, v = c.Prev()
	}
	return within(stream, k, v)
}

// within returns k and v if k belongs to stream, or nil.
func within(stream string, k, v []byte) ([]byte, []byte) {
	if !bytes.HasPrefix(k, prefix(stream)) {
		return nil, nil
	}
	return k, v
}

// streamOf returns the stream id a flat key starts with.
func streamOf(k []byte) string {
	if i := bytes.IndexByte(k, 0); i >= 0 {
		return string(k[:i])
	}
	return string(k)
}

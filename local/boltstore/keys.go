package boltstore

import (
	"bytes"
	"encoding/binary"

	bolt "go.etcd.io/bbolt"
)

// The events, snapshots and commands buckets are flat: every key starts
// with the account id and a 0x00 byte, which no account id holds, so one
// account's keys are contiguous and sort before those of any longer id.
// Keeping them flat, rather than a nested bucket per account, keeps the
// pages a group commit rewrites to about one leaf per account.

// prefix returns the account's key prefix: the id and a 0x00 byte.
func prefix(account string) []byte {
	return append([]byte(account), 0)
}

// versionKey returns the key of the account's version (or sequence n).
func versionKey(account string, n int64) []byte {
	return binary.BigEndian.AppendUint64(prefix(account), uint64(n))
}

// commandKey returns the key of the account's command record.
func commandKey(account, commandID string) []byte {
	return append(prefix(account), commandID...)
}

// versionOf reads the version of a key made by versionKey for account, or
// -1 when k is not one.
func versionOf(account string, k []byte) int64 {
	if len(k) != len(account)+9 {
		return -1
	}
	return keyInt(k[len(account)+1:])
}

// lastOf positions c at the account's last key, or returns nil.
func lastOf(c *bolt.Cursor, account string) ([]byte, []byte) {
	k, _ := c.Seek(append([]byte(account), 1))
	var v []byte
	if k == nil {
		k, v = c.Last()
	} else {
		k, v = c.Prev()
	}
	return within(account, k, v)
}

// floor positions c at the account's last version key at or before version,
// or at its last key when version is negative, or returns nil.
func floor(c *bolt.Cursor, account string, version int64) ([]byte, []byte) {
	if version < 0 {
		return lastOf(c, account)
	}
	want := versionKey(account, version)
	k, v := c.Seek(want)
	switch {
	case k == nil:
		k, v = c.Last()
	case !bytes.Equal(k, want):
		k, v = c.Prev()
	}
	return within(account, k, v)
}

// within returns k and v if k belongs to account, or nil.
func within(account string, k, v []byte) ([]byte, []byte) {
	if !bytes.HasPrefix(k, prefix(account)) {
		return nil, nil
	}
	return k, v
}

// accountOf returns the account id a flat key starts with.
func accountOf(k []byte) string {
	if i := bytes.IndexByte(k, 0); i >= 0 {
		return string(k[:i])
	}
	return string(k)
}

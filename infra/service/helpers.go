package service

import "github.com/aws/jsii-runtime-go"

// str and num shorten jsii's pointer helpers.
func str(s string) *string   { return jsii.String(s) }
func num(f float64) *float64 { return jsii.Number(f) }

// strs returns a pointer to a slice of string pointers.
func strs(ss ...string) *[]*string { return jsii.Strings(ss...) }

// Package yourdomain holds the code of docs/your-domain.md, the guide to
// bringing a domain of one's own to stepfold: the parcels domain, with its
// tests and an Example, and its Lambda main (lambda). Its test checks that
// every Go block of the guide is exactly the file, or the declaration of a
// file, that it names, so a change to either that the other does not
// follow fails go test ./....
package yourdomain

// Package main is the example service whose proxy settings the doctor examines.
package main

func main() {}

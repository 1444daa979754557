package lsp

import (
	"bytes"
	"encoding/json"
	"strconv"

	"go.lsp.dev/jsonrpc2"
)

// invalidMessage is why a message cannot be served and the error it is
// answered with.
type invalidMessage struct {
	code jsonrpc2.Code
	msg  string
	id   []byte // the request's id as sent, or nil: the reply's id is null
}

// checkMessage vets one message body before jsonrpc2 sees it, as JSON-RPC 2.0
// asks: a body that is not JSON is a Parse error; JSON that is not a request
// or a response is an Invalid Request, answered with the request's id when
// it has a usable one (null otherwise, and always for a malformed response:
// its id names one of our requests, not one of the client's). It returns nil
// for a message jsonrpc2 decodes, and never accepts one jsonrpc2 would fail
// on, since jsonrpc2 ends the connection on those.
func checkMessage(body []byte) *invalidMessage {
	if !json.Valid(body) {
		return &invalidMessage{code: jsonrpc2.ParseError, msg: "Parse error: the message is not valid JSON"}
	}
	i := skipJSONSpace(body, 0)
	switch body[i] {
	case '{':
	case '[':
		// A batch: jsonrpc2 answers each malformed member itself, but fails
		// the connection on an array it cannot split.
		if _, err := jsonrpc2.ParseRequests(body); err != nil {
			return &invalidMessage{code: jsonrpc2.InvalidRequest, msg: "Invalid Request: malformed batch: " + err.Error()}
		}
		return nil
	default:
		return &invalidMessage{code: jsonrpc2.InvalidRequest, msg: "Invalid Request: a message is a JSON object"}
	}
	m := envelopeOf(body, i)
	isRequest := m.method != nil || m.result == nil && m.errobj == nil
	var id []byte
	if isRequest && validID(m.id) {
		id = m.id
	}
	invalid := func(msg string) *invalidMessage {
		return &invalidMessage{code: jsonrpc2.InvalidRequest, msg: "Invalid Request: " + msg, id: id}
	}
	switch {
	case !bytes.Equal(m.jsonrpc, []byte(`"2.0"`)):
		return invalid(`"jsonrpc" must be "2.0"`)
	case m.method != nil && (m.result != nil || m.errobj != nil):
		return invalid(`a message has a "method" or a "result" or "error", not both`)
	case m.method != nil && m.method[0] != '"':
		return invalid(`"method" must be a string`)
	case m.method == nil && m.result == nil && m.errobj == nil:
		return invalid(`no "method" (a request) and no "result" or "error" (a response)`)
	case m.id != nil && !validID(m.id) && !bytes.Equal(m.id, []byte("null")):
		return invalid(`"id" must be an integer or a string`)
	case m.result != nil && m.errobj != nil:
		return invalid(`a response has a "result" or an "error", not both`)
	}
	// What remains is jsonrpc2's own judgement (an error object's shape,
	// ids beyond int64): it must not see a message it would fail on.
	if _, err := jsonrpc2.DecodeMessage(body); err != nil {
		return invalid(err.Error())
	}
	return nil
}

// envelope holds the raw values of a message's top-level members, nil when
// absent. Keys match byte for byte, as in jsonrpc2 (an escaped key is some
// other member), and the last of duplicate keys wins, as in jsonrpc2.
type envelope struct {
	jsonrpc, id, method, result, errobj []byte
}

// envelopeOf reads the members of the valid JSON object at body[i].
func envelopeOf(body []byte, i int) envelope {
	var m envelope
	i = skipJSONSpace(body, i+1)
	for body[i] != '}' {
		keyEnd := jsonStringEnd(body, i)
		key := body[i+1 : keyEnd-1]
		i = skipJSONSpace(body, keyEnd) // at ':'
		i = skipJSONSpace(body, i+1)    // at the value
		end := jsonValueEnd(body, i)
		val := body[i:end]
		switch string(key) {
		case "jsonrpc":
			m.jsonrpc = val
		case "id":
			m.id = val
		case "method":
			m.method = val
		case "result":
			m.result = val
		case "error":
			m.errobj = val
		}
		i = skipJSONSpace(body, end)
		if body[i] == ',' {
			i = skipJSONSpace(body, i+1)
		}
	}
	return m
}

// validID reports whether raw is a JSON-RPC id jsonrpc2 accepts: a string or
// an integer in int64 (LSP: integer | string).
func validID(raw []byte) bool {
	if len(raw) == 0 {
		return false
	}
	if raw[0] == '"' {
		return true
	}
	_, err := strconv.ParseInt(string(raw), 10, 64)
	return err == nil
}

func skipJSONSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// jsonStringEnd returns the index after the string that opens at b[i].
func jsonStringEnd(b []byte, i int) int {
	for i++; i < len(b); {
		j := bytes.IndexAny(b[i:], `"\`)
		if j < 0 {
			return len(b)
		}
		i += j
		if b[i] == '"' {
			return i + 1
		}
		i += 2 // an escape
	}
	return len(b)
}

// jsonValueEnd returns the index after the valid JSON value at b[i].
func jsonValueEnd(b []byte, i int) int {
	depth := 0
	for i < len(b) {
		switch b[i] {
		case '"':
			i = jsonStringEnd(b, i)
			if depth == 0 {
				return i
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1
			}
		default:
			if depth == 0 {
				// A number or a literal ends at a delimiter.
				for i < len(b) && !isDelimiter(b[i]) {
					i++
				}
				return i
			}
		}
		i++
	}
	return len(b)
}

func isDelimiter(c byte) bool {
	switch c {
	case ',', '}', ']', ' ', '\t', '\r', '\n':
		return true
	}
	return false
}

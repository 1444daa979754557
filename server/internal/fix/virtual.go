package fix

import (
	"errors"
	"fmt"

	"github.com/go-proxy-doctor/go-proxy-doctor/server/internal/sources"
)

// Virtual applies ops to a parsed tree without its text and returns the new
// tree; root is not modified (the nodes on each op's path are copied). The
// result has what the edited text would parse to, but its spans only locate
// the nodes that did not change: it is for asking the engine what a fix
// would do, not for positions.
func Virtual(root *sources.Value, ops ...Op) (*sources.Value, error) {
	for _, op := range ops {
		var err error
		if root, err = virtual(root, op, 0); err != nil {
			return nil, err
		}
	}
	return root, nil
}

func virtual(v *sources.Value, op Op, depth int) (*sources.Value, error) {
	if depth >= len(op.Path) {
		return nil, errors.New("empty path")
	}
	s := op.Path[depth]
	last := depth == len(op.Path)-1
	c := *v
	if s.Index >= 0 {
		if v.Kind != sources.Array || s.Index >= len(v.Elems) || last {
			return nil, fmt.Errorf("%s: no such member", op.Path[:depth+1])
		}
		child, err := virtual(v.Elems[s.Index], op, depth+1)
		if err != nil {
			return nil, err
		}
		c.Elems = append([]*sources.Value(nil), v.Elems...)
		c.Elems[s.Index] = child
		return &c, nil
	}
	if v.Kind != sources.Object {
		return nil, fmt.Errorf("%s: %w", op.Path[:depth], ErrNotObject)
	}
	i := memberIndex(v, s.Key)
	members := append([]*sources.Member(nil), v.Members...)
	if i < 0 {
		if op.Kind != Set {
			return nil, fmt.Errorf("%s: no such member", op.Path[:depth+1])
		}
		val, err := newValue(op.Path[depth+1:], op.Value)
		if err != nil {
			return nil, err
		}
		c.Members = append(members, &sources.Member{Key: s.Key, Value: val})
		return &c, nil
	}
	m := *v.Members[i]
	switch {
	case !last:
		child, err := virtual(m.Value, op, depth+1)
		if err != nil {
			return nil, err
		}
		m.Value = child
	case op.Kind == Set:
		val, err := newValue(nil, op.Value)
		if err != nil {
			return nil, err
		}
		m.Value = val
	case op.Kind == Remove:
		c.Members = append(members[:i:i], members[i+1:]...)
		return &c, nil
	case op.Kind == Rename:
		m.Key = op.NewKey
	}
	members[i] = &m
	c.Members = members
	return &c, nil
}

// newValue parses value and wraps it in objects for keys.
func newValue(keys Path, value string) (*sources.Value, error) {
	v, err := sources.ParseJSONC([]byte(value))
	if err != nil {
		return nil, fmt.Errorf("the new value does not parse: %w", err)
	}
	for i := len(keys) - 1; i >= 0; i-- {
		if keys[i].Index >= 0 {
			return nil, errors.New("cannot create array elements")
		}
		v = &sources.Value{Kind: sources.Object, Members: []*sources.Member{{Key: keys[i].Key, Value: v}}}
	}
	return v, nil
}

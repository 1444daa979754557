package redact

import "reflect"

// All masks credentials (RedactKnown with secrets) in every string that v
// (a pointer) reaches through exported fields, pointers, slices, arrays,
// maps and interfaces: the last pass over a structured result before it is
// printed or sent, so that a field added later cannot carry a password out.
func All(v any, secrets ...string) {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		w := walker{secrets}
		w.walk(rv.Elem())
	}
}

type walker struct{ secrets []string }

func (w walker) walk(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		if v.CanSet() {
			if s := v.String(); s != "" {
				v.SetString(RedactKnown(s, w.secrets))
			}
		}
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return
		}
		if v.Kind() == reflect.Interface {
			// An interface's dynamic value cannot be set in place.
			c := reflect.New(v.Elem().Type()).Elem()
			c.Set(v.Elem())
			w.walk(c)
			if v.CanSet() {
				v.Set(c)
			}
			return
		}
		w.walk(v.Elem())
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				w.walk(v.Field(i))
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			w.walk(v.Index(i))
		}
	case reflect.Map:
		if v.IsNil() {
			return
		}
		iter := v.MapRange()
		for iter.Next() {
			c := reflect.New(iter.Value().Type()).Elem()
			c.Set(iter.Value())
			w.walk(c)
			v.SetMapIndex(iter.Key(), c)
		}
	}
}

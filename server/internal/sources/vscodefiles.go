package sources

// LaunchConfig is one type-go configuration of launch.json that sets env.
type LaunchConfig struct {
	Name    string
	Env     []EnvEntry
	EnvFile []string // as written (substitutions not expanded)
}

// Task is one tasks.json task that sets options.env.
type Task struct {
	Label string
	Type  string // "go", "shell", "process", ...
	Env   []EnvEntry
}

// JSONCFile is a parsed launch.json or tasks.json.
type JSONCFile struct {
	Path    string
	Kind    Kind
	Content []byte
	Lines   Lines
	Root    *Value
	Err     *ParseError
}

// ParseJSONCFile parses a launch.json or tasks.json.
func ParseJSONCFile(path string, kind Kind, content []byte) *JSONCFile {
	f := &JSONCFile{Path: path, Kind: kind, Content: content, Lines: NewLines(content)}
	f.Root, f.Err = ParseJSONC(content)
	return f
}

func (f *JSONCFile) env(obj *Value, key string) []EnvEntry {
	var out []EnvEntry
	for _, m := range obj.Members {
		out = append(out, EnvEntry{Name: m.Key, Value: stringify(m.Value), Kind: m.Value.Kind, Prov: Provenance{
			Source: f.Kind, File: f.Path, Line: f.Lines.Line(m.KeySpan.Start), Key: key + "." + m.Key,
			KeySpan: m.KeySpan, ValueSpan: m.Value.Span,
		}})
	}
	return out
}

// LaunchConfigs returns the type-go configurations that set env or envFile.
func (f *JSONCFile) LaunchConfigs() []LaunchConfig {
	if f == nil || f.Root == nil {
		return nil
	}
	cfgs := f.Root.Get("configurations")
	if cfgs == nil || cfgs.Value.Kind != Array {
		return nil
	}
	var out []LaunchConfig
	for i, c := range cfgs.Value.Elems {
		if c.Kind != Object {
			continue
		}
		if t := c.Get("type"); t == nil || t.Value.Str != "go" {
			continue
		}
		lc := LaunchConfig{Name: "configuration " + itoa(i+1)}
		if n := c.Get("name"); n != nil && n.Value.Kind == String {
			lc.Name = n.Value.Str
		}
		if e := c.Get("env"); e != nil && e.Value.Kind == Object {
			lc.Env = f.env(e.Value, "configurations["+lc.Name+"].env")
		}
		if ef := c.Get("envFile"); ef != nil {
			switch ef.Value.Kind {
			case String:
				lc.EnvFile = []string{ef.Value.Str}
			case Array:
				for _, e := range ef.Value.Elems {
					if e.Kind == String {
						lc.EnvFile = append(lc.EnvFile, e.Str)
					}
				}
			}
		}
		if len(lc.Env) > 0 || len(lc.EnvFile) > 0 {
			out = append(out, lc)
		}
	}
	return out
}

// Tasks returns the tasks that set options.env.
func (f *JSONCFile) Tasks() []Task {
	if f == nil || f.Root == nil {
		return nil
	}
	tasks := f.Root.Get("tasks")
	if tasks == nil || tasks.Value.Kind != Array {
		return nil
	}
	var out []Task
	for i, t := range tasks.Value.Elems {
		if t.Kind != Object {
			continue
		}
		task := Task{Label: "task " + itoa(i+1)}
		if l := t.Get("label"); l != nil && l.Value.Kind == String {
			task.Label = l.Value.Str
		}
		if ty := t.Get("type"); ty != nil && ty.Value.Kind == String {
			task.Type = ty.Value.Str
		}
		opts := t.Get("options")
		if opts == nil || opts.Value.Kind != Object {
			continue
		}
		if e := opts.Value.Get("env"); e != nil && e.Value.Kind == Object && len(e.Value.Members) > 0 {
			task.Env = f.env(e.Value, "tasks["+task.Label+"].options.env")
			out = append(out, task)
		}
	}
	return out
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

package picture
import ("testing";"encoding/json";"fmt")
func TestDbg(t *testing.T){
 ref := startReference(t)
 calls := generateCalls(differentialSeed)
 kinds := map[string]int{}
 for i, c := range calls {
  mine := local(c)
  if mine.text == "U1001" { continue }
  th := ref.eval(t, i, c.jsArgs())
  kinds[c.Fn+" "+th.kind+" "+func() string { if th.kind=="error" {return th.text}; return ""}()]++
  if i % 97 == 0 { a,_ := json.Marshal(c.jsArgs().Args); fmt.Printf("%s%s => %v | %v\n", c.Fn, a, th, mine) }
 }
 for k,v := range kinds { fmt.Println(k, v) }
}

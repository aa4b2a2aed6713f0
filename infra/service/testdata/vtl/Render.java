// Render evaluates one API Gateway mapping template with Apache Velocity
// 1.7, the engine family API Gateway uses, against stand-ins for $input,
// $util and $context described by a java.util.Properties file on stdin:
//   template             the template text
//   header.NAME          a request header
//   path.NAME            a path parameter
//   context.requestId    $context.requestId
//   body                 the request or integration response body (JSON)
// It prints "status=<responseOverride.status>" and then the output.
// The stand-ins follow the API Gateway mapping template reference; they
// are test fixtures, not a reimplementation of API Gateway.
import java.io.StringWriter;
import java.util.*;
import org.apache.commons.lang.StringEscapeUtils;
import org.apache.velocity.VelocityContext;
import org.apache.velocity.app.VelocityEngine;

public class Render {
    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        p.load(new java.io.InputStreamReader(System.in, "UTF-8"));
        Map<String, Object> params = new HashMap<>();
        params.put("header", prefixed(p, "header."));
        params.put("path", prefixed(p, "path."));
        params.put("querystring", new HashMap<String, String>());
        Map<String, Object> override = new HashMap<>();
        Map<String, Object> context = new HashMap<>();
        context.put("requestId", p.getProperty("context.requestId"));
        context.put("responseOverride", override);
        VelocityContext vc = new VelocityContext();
        vc.put("input", new Input(Json.parse(p.getProperty("body", "{}")), params));
        vc.put("util", new Util());
        vc.put("context", context);
        VelocityEngine ve = new VelocityEngine();
        ve.setProperty("runtime.log.logsystem.class", "org.apache.velocity.runtime.log.NullLogChute");
        ve.init();
        StringWriter out = new StringWriter();
        ve.evaluate(vc, out, "template", p.getProperty("template"));
        Object status = override.get("status");
        System.out.print("status=" + (status == null ? "" : status) + "\n" + out);
    }

    static Map<String, String> prefixed(Properties p, String prefix) {
        Map<String, String> m = new HashMap<>();
        for (String k : p.stringPropertyNames())
            if (k.startsWith(prefix)) m.put(k.substring(prefix.length()), p.getProperty(k));
        return m;
    }

    /** $input: path and json take "$" or "$.name". */
    public static class Input {
        final Object body;
        final Map<String, Object> params;
        Input(Object body, Map<String, Object> params) { this.body = body; this.params = params; }
        Object lookup(String path) {
            if (path.equals("$")) return body;
            if (!path.startsWith("$.") || !(body instanceof Map)) return null;
            return ((Map<?, ?>) body).get(path.substring(2));
        }
        public Object path(String path) { return lookup(path); }
        public String json(String path) { return Json.write(lookup(path)); }
        public Map<String, Object> params() { return params; }
        public Object params(String name) {
            for (String where : new String[]{"path", "querystring", "header"}) {
                Object v = ((Map<?, ?>) params.get(where)).get(name);
                if (v != null) return v;
            }
            return null;
        }
    }

    /** $util. */
    public static class Util {
        public String escapeJavaScript(String s) { return StringEscapeUtils.escapeJavaScript(s); }
        public Object parseJson(String s) { return Json.parse(s); }
    }

    /** A small JSON reader and writer for the fixtures. */
    static class Json {
        final String s;
        int i;
        Json(String s) { this.s = s; }
        static Object parse(String s) {
            Json j = new Json(s);
            Object v = j.value();
            j.ws();
            if (j.i != s.length()) throw new IllegalArgumentException("trailing data in " + s);
            return v;
        }
        void ws() { while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++; }
        Object value() {
            ws();
            char c = s.charAt(i);
            if (c == '{') return object();
            if (c == '[') return array();
            if (c == '"') return string();
            if (s.startsWith("true", i)) { i += 4; return Boolean.TRUE; }
            if (s.startsWith("false", i)) { i += 5; return Boolean.FALSE; }
            if (s.startsWith("null", i)) { i += 4; return null; }
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
            String n = s.substring(start, i);
            return n.matches("-?\\d+") ? (Object) Long.valueOf(n) : (Object) Double.valueOf(n);
        }
        Map<String, Object> object() {
            Map<String, Object> m = new LinkedHashMap<>();
            i++;
            ws();
            if (s.charAt(i) == '}') { i++; return m; }
            while (true) {
                ws();
                String k = string();
                ws();
                i++; // ':'
                m.put(k, value());
                ws();
                if (s.charAt(i++) == '}') return m;
            }
        }
        List<Object> array() {
            List<Object> l = new ArrayList<>();
            i++;
            ws();
            if (s.charAt(i) == ']') { i++; return l; }
            while (true) {
                l.add(value());
                ws();
                if (s.charAt(i++) == ']') return l;
            }
        }
        String string() {
            StringBuilder b = new StringBuilder();
            i++;
            while (true) {
                char c = s.charAt(i++);
                if (c == '"') return b.toString();
                if (c != '\\') { b.append(c); continue; }
                char e = s.charAt(i++);
                switch (e) {
                    case 'n': b.append('\n'); break;
                    case 't': b.append('\t'); break;
                    case 'r': b.append('\r'); break;
                    case 'b': b.append('\b'); break;
                    case 'f': b.append('\f'); break;
                    case 'u': b.append((char) Integer.parseInt(s.substring(i, i + 4), 16)); i += 4; break;
                    default: b.append(e);
                }
            }
        }
        static String write(Object v) {
            if (v == null) return "null";
            if (v instanceof String) return "\"" + StringEscapeUtils.escapeJava((String) v) + "\"";
            if (v instanceof Map) {
                StringJoiner j = new StringJoiner(",", "{", "}");
                for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) j.add(write(e.getKey()) + ":" + write(e.getValue()));
                return j.toString();
            }
            if (v instanceof List) {
                StringJoiner j = new StringJoiner(",", "[", "]");
                for (Object o : (List<?>) v) j.add(write(o));
                return j.toString();
            }
            return String.valueOf(v);
        }
    }
}

package dev.oauthrelay.server.deploy;

import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import com.azure.json.JsonToken;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Reading the deployment files under {@code docker/} (YAML, JSON, the Dockerfile) and running the
 * tools that check them (promtool, systemd-analyze). A missing tool is a test failure, never a
 * skip: {@code .ci/run} installs them.
 */
final class DeploymentFiles {

    private DeploymentFiles() {
    }

    /** The repository root: the first directory above the working directory with docker/Dockerfile. */
    static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docker").resolve("Dockerfile"))) {
                return dir;
            }
        }
        throw new AssertionError("docker/Dockerfile not found above " + Path.of("").toAbsolutePath());
    }

    static Path docker(String relative) {
        return root().resolve("docker").resolve(relative);
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }

    /** Every document of a YAML file (SnakeYAML's safe constructor: plain maps, lists, scalars). */
    static List<Object> yamlDocuments(Path file) {
        List<Object> docs = new ArrayList<>();
        for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(read(file))) {
            if (doc != null) {
                docs.add(doc);
            }
        }
        return docs;
    }

    static Map<String, Object> yaml(Path file) {
        List<Object> docs = yamlDocuments(file);
        if (docs.size() != 1) {
            throw new AssertionError(file + ": expected one YAML document, found " + docs.size());
        }
        return map(docs.get(0));
    }

    /** A strict JSON parse of the whole file (nothing may follow the root value). */
    static Map<String, Object> json(Path file) {
        try (JsonReader reader = JsonProviders.createReader(read(file))) {
            reader.nextToken();
            Object root = reader.readUntyped();
            JsonToken after = reader.nextToken();
            if (after != null && after != JsonToken.END_DOCUMENT) {
                throw new AssertionError(file + ": text after the JSON value");
            }
            return map(root);
        } catch (IOException e) {
            throw new AssertionError(file + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        if (!(o instanceof Map)) {
            throw new AssertionError("expected a mapping, found " + o);
        }
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        if (!(o instanceof List)) {
            throw new AssertionError("expected a list, found " + o);
        }
        return (List<Object>) o;
    }

    /** The value at a path of mapping keys; fails naming the path when a key is missing. */
    static Object at(Object node, String... keys) {
        Object current = node;
        for (String key : keys) {
            Map<String, Object> m = map(current);
            if (!m.containsKey(key)) {
                throw new AssertionError("no key \"" + key + "\" in " + String.join(".", keys) + " (have " + m.keySet() + ")");
            }
            current = m.get(key);
        }
        return current;
    }

    static Map<String, Object> mapAt(Object node, String... keys) {
        return map(at(node, keys));
    }

    static List<Object> listAt(Object node, String... keys) {
        return list(at(node, keys));
    }

    /** The Kubernetes object of a kind (and name, if given) among the documents of a manifest. */
    static Map<String, Object> k8s(Path file, String kind, String name) {
        return yamlDocuments(file).stream().map(DeploymentFiles::map)
                .filter(d -> kind.equals(d.get("kind")))
                .filter(d -> name == null || name.equals(at(d, "metadata", "name")))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + file));
    }

    // --- the Dockerfile ------------------------------------------------------------------------

    /** The instructions of the final stage that the tests check. */
    record Dockerfile(Map<String, String> env, List<Integer> exposed, String healthcheck, List<String> entrypoint,
                      List<String> cmd, Map<String, String> copies, String user, List<String> volumes) {

        private static final Pattern ENV_PAIR = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"((?:[^\"\\\\]|\\\\.)*)\"|\\S*)");

        static Dockerfile parse(Path file) {
            // Continuation lines joined; comments dropped; only the last stage (after the last FROM) kept.
            List<String> instructions = new ArrayList<>();
            StringBuilder current = new StringBuilder();
            for (String line : read(file).split("\n")) {
                String trimmed = line.strip();
                if (current.isEmpty() && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
                    continue;
                }
                if (trimmed.startsWith("#")) {
                    continue; // a comment between continuation lines
                }
                if (trimmed.endsWith("\\")) {
                    current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                } else {
                    current.append(trimmed);
                    instructions.add(current.toString());
                    current.setLength(0);
                }
            }
            int lastFrom = 0;
            for (int i = 0; i < instructions.size(); i++) {
                if (instructions.get(i).startsWith("FROM ")) {
                    lastFrom = i;
                }
            }
            Map<String, String> env = new LinkedHashMap<>();
            List<Integer> exposed = new ArrayList<>();
            List<String> volumes = new ArrayList<>();
            Map<String, String> copies = new LinkedHashMap<>();
            String healthcheck = null;
            List<String> entrypoint = null;
            List<String> cmd = null;
            String user = null;
            for (String ins : instructions.subList(lastFrom, instructions.size())) {
                String[] kw = ins.split("\\s+", 2);
                String args = kw.length > 1 ? kw[1].strip() : "";
                switch (kw[0]) {
                    case "ENV" -> {
                        Matcher m = ENV_PAIR.matcher(args);
                        while (m.find()) {
                            env.put(m.group(1), m.group(3) != null ? m.group(3).replace("\\\"", "\"") : m.group(2));
                        }
                    }
                    case "EXPOSE" -> {
                        for (String p : args.split("\\s+")) {
                            exposed.add(Integer.parseInt(p.replace("/tcp", "")));
                        }
                    }
                    case "VOLUME" -> volumes.add(args);
                    case "COPY" -> {
                        List<String> parts = new ArrayList<>(List.of(args.split("\\s+")));
                        parts.removeIf(p -> p.startsWith("--"));
                        copies.put(parts.get(0), parts.get(parts.size() - 1));
                    }
                    case "HEALTHCHECK" -> healthcheck = args;
                    case "ENTRYPOINT" -> entrypoint = jsonArray(args);
                    case "CMD" -> cmd = jsonArray(args);
                    case "USER" -> user = args;
                    default -> { }
                }
            }
            return new Dockerfile(env, exposed, healthcheck, entrypoint, cmd, copies, user, volumes);
        }

        private static List<String> jsonArray(String text) {
            try (JsonReader reader = JsonProviders.createReader(text)) {
                reader.nextToken();
                List<String> out = new ArrayList<>();
                for (Object o : list(reader.readUntyped())) {
                    out.add((String) o);
                }
                return out;
            } catch (IOException e) {
                throw new AssertionError("not an exec-form JSON array: " + text, e);
            }
        }
    }

    // --- tools -----------------------------------------------------------------------------------

    record Run(int exit, String output) {
    }

    /** A program on the PATH; fails (not skips) naming the Debian package when it is missing. */
    static String tool(String name, String debianPackage) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new AssertionError(name + " is not installed: apt-get install " + debianPackage + " (.ci/run does)");
    }

    /** Runs a command in {@code dir}, output and error together, within a minute. */
    static Run run(Path dir, String... command) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(Duration.ofMinutes(1).toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within a minute");
            }
            return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static Optional<String> stringAt(Object node, String... keys) {
        Object v = at(node, keys);
        return Optional.ofNullable(v).map(Object::toString);
    }
}

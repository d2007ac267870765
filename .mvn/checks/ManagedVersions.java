import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The build's rule that every version is managed in the root pom: no pom of the reactor names the version of a
 * dependency, plugin or annotation processor outside its dependencyManagement or pluginManagement. Run by the root
 * pom at validate (exec-maven-plugin) as {@code java .mvn/checks/ManagedVersions.java <root dir>}; exits 1 naming
 * every offending declaration.
 */
public class ManagedVersions {

    private static final String VERSIONED = "//dependencies/dependency[version and not(ancestor::dependencyManagement)]"
            + " | //plugins/plugin[version and not(ancestor::pluginManagement)]"
            + " | //annotationProcessorPaths/path[version]";

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        List<String> problems = new ArrayList<>();
        check(root, root, problems);
        if (!problems.isEmpty()) {
            problems.forEach(p -> System.err.println("[ERROR] " + p));
            System.err.println("[ERROR] manage these versions in the root pom (dependencyManagement, pluginManagement)"
                    + " and name only groupId and artifactId in the module");
            System.exit(1);
        }
        System.out.println("[INFO] every dependency and plugin version is managed in the root pom");
    }

    private static void check(Path root, Path dir, List<String> problems) throws Exception {
        Path pom = dir.resolve("pom.xml");
        Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
        var xpath = XPathFactory.newInstance().newXPath();
        NodeList versioned = (NodeList) xpath.evaluate(VERSIONED, document, XPathConstants.NODESET);
        for (int i = 0; i < versioned.getLength(); i++) {
            Element element = (Element) versioned.item(i);
            problems.add(root.relativize(pom) + ": " + element.getTagName() + " " + text(element, "groupId") + ":"
                    + text(element, "artifactId") + " names version " + text(element, "version"));
        }
        NodeList modules = (NodeList) xpath.evaluate("/project/modules/module | /project/profiles/profile/modules/module",
                document, XPathConstants.NODESET);
        for (int i = 0; i < modules.getLength(); i++) {
            Path module = dir.resolve(modules.item(i).getTextContent().strip());
            if (Files.isRegularFile(module.resolve("pom.xml"))) {
                check(root, module, problems);
            }
        }
    }

    private static String text(Element element, String child) {
        NodeList nodes = element.getElementsByTagName(child);
        return nodes.getLength() == 0 ? "" : nodes.item(0).getTextContent().strip();
    }
}

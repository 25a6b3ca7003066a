// LithOS-J startup: the toolkit's packages, Tablesaw tables and XChart charts, so a session starts with analysis.
//   jshell --class-path lithos-core/target/lithos.jar --startup DEFAULT --startup notebooks/lithos.jsh
// The Jupyter kernel (lithos-jupyter) runs this same file after jshell's DEFAULT imports.
// display(x) here prints tables as text and saves charts to out/display/ (io.lithosj.report.Display); the kernel
// imports its own display by name, which takes precedence over this on-demand import, and renders to the notebook.
import io.lithosj.gpu.*;
import io.lithosj.kernel.*;
import io.lithosj.workload.*;
import io.lithosj.os.*;
import io.lithosj.experiment.*;
import io.lithosj.sweep.*;
import io.lithosj.fleet.*;
import io.lithosj.figures.*;
import io.lithosj.backend.*;
import io.lithosj.backend.sim.*;
import io.lithosj.repo.*;
import io.lithosj.report.*;
import static io.lithosj.report.Display.*;
import tech.tablesaw.api.*;
import org.knowm.xchart.*;
import org.knowm.xchart.style.*;

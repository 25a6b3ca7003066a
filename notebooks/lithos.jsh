// LithOS-J startup: the toolkit's packages, Tablesaw tables and XChart charts, so a session starts with analysis.
//   jshell --class-path lithos-core/target/lithos.jar --startup DEFAULT --startup notebooks/lithos.jsh
// The Jupyter kernel (lithos-jupyter) runs this same file after jshell's DEFAULT imports.
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
import tech.tablesaw.api.*;
import org.knowm.xchart.*;
import org.knowm.xchart.style.*;

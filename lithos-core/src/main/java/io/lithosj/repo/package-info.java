/**
 * Where the toolkit is: the repository root found from any folder inside it ({@link io.lithosj.repo.Repo}),
 * and what a result records about the code that made it ({@link io.lithosj.repo.Provenance}: toolkit
 * version, git commit).
 */
package io.lithosj.repo;
